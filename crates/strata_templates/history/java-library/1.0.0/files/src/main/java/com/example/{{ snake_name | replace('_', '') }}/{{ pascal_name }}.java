package com.example.{{ snake_name | replace('_', '') }};

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * {{ description }}.
 *
 * <p>The public interface of {{ name }} (see {@code interfaces} in {@code module.yaml}).
 */
public final class {{ pascal_name }} {
    private {{ pascal_name }}() {}

    /** A greeting for {@code name}, trimmed; throws {@link IllegalArgumentException} when it is blank. */
    public static String greet(String name) {
        String trimmed = name == null ? "" : name.strip();
        if (trimmed.isEmpty()) {
            throw new IllegalArgumentException("the name is empty");
        }
        return "Hello, " + trimmed + "!";
    }

    /** The lower-cased words of {@code text} joined by dashes. */
    public static String slugify(String text) {
        return Arrays.stream(text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+"))
                .filter(word -> !word.isEmpty())
                .collect(Collectors.joining("-"));
    }
}
