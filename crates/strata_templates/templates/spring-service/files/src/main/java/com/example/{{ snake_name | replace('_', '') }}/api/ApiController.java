package com.example.{{ snake_name | replace('_', '') }}.api;

import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The HTTP API of {{ name }}: health endpoints at the root, the API under {{ base_path }}
 * (see openapi.yaml). This file is the module's public interface.
 */
@RestController
public class ApiController {
    public static final String SERVICE = "{{ name }}";
    public static final String VERSION = "{{ version }}";
    public static final String BASE_PATH = "{{ base_path }}";

    /** Liveness: the process is up. */
    @GetMapping("/health")
    public Map<String, String> health() {
        return Map.of("status", "ok", "service", SERVICE);
    }

    /** Readiness: the service can take traffic (check its dependencies here). */
    @GetMapping("/ready")
    public Map<String, String> ready() {
        return Map.of("status", "ok", "service", SERVICE);
    }

    /** What this service is. */
    @GetMapping(BASE_PATH)
    public Map<String, String> info() {
        return Map.of("name", SERVICE, "version", VERSION);
    }
}
