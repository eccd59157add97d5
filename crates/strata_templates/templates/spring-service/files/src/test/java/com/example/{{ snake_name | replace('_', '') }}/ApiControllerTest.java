package com.example.{{ snake_name | replace('_', '') }};

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.example.{{ snake_name | replace('_', '') }}.api.ApiController;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.WebMvcTest;
import org.springframework.test.web.servlet.MockMvc;

@WebMvcTest(ApiController.class)
class ApiControllerTest {
    @Autowired
    private MockMvc mvc;

    @Test
    void healthAndReadyAnswerOk() throws Exception {
        for (String path : new String[] {"/health", "/ready"}) {
            mvc.perform(get(path))
                    .andExpect(status().isOk())
                    .andExpect(jsonPath("$.status").value("ok"))
                    .andExpect(jsonPath("$.service").value("{{ name }}"));
        }
    }

    @Test
    void theBasePathNamesTheService() throws Exception {
        mvc.perform(get(ApiController.BASE_PATH))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.name").value("{{ name }}"));
    }

    @Test
    void unknownPathsAreNotFound() throws Exception {
        mvc.perform(get("/nope")).andExpect(status().isNotFound());
    }
}
