// Package api is the HTTP API of {{ name }}: health endpoints at the root, the API under
// {{ base_path }} (see openapi.yaml). It is the module's public interface.
package api

import (
	"encoding/json"
	"net/http"
)

const (
	// Service is the service's name, as in module.yaml.
	Service = "{{ name }}"
	// Version is the service's version.
	Version = "{{ version }}"
	// BasePath prefixes every API route.
	BasePath = "{{ base_path }}"
)

// Status is the body of /health and /ready.
type Status struct {
	Status  string `json:"status"`
	Service string `json:"service"`
}

// Info is the body of GET {{ base_path }}.
type Info struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Handler returns all routes of the service.
func Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/health", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, Status{Status: "ok", Service: Service})
	})
	mux.HandleFunc("/ready", func(w http.ResponseWriter, r *http.Request) {
		// Check the service's dependencies here; answer 503 while they are not ready.
		writeJSON(w, http.StatusOK, Status{Status: "ok", Service: Service})
	})
	mux.HandleFunc(BasePath, func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		writeJSON(w, http.StatusOK, Info{Name: Service, Version: Version})
	})
	return mux
}

func writeJSON(w http.ResponseWriter, code int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(body)
}
