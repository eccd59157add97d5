package com.example.{{ snake_name | replace('_', '') }};

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class {{ pascal_name }}Test {
    @Test
    void greetsByName() {
        assertEquals("Hello, Ada!", {{ pascal_name }}.greet("  Ada "));
    }

    @Test
    void aBlankNameIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> {{ pascal_name }}.greet("  "));
    }

    @Test
    void slugifies() {
        assertEquals("hello-world", {{ pascal_name }}.slugify("Hello, World!"));
        assertEquals("", {{ pascal_name }}.slugify(""));
    }
}
