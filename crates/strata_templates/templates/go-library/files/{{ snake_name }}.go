// Package {{ go_package }}: {{ description }}.
//
// This file is the public interface of {{ name }} (see interfaces in module.yaml).
package {{ go_package }}

import (
	"errors"
	"strings"
	"unicode"
)

// ErrEmptyName is returned for a blank name.
var ErrEmptyName = errors.New("the name is empty")

// Greet returns a greeting for name, trimmed of surrounding whitespace.
func Greet(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", ErrEmptyName
	}
	return "Hello, " + name + "!", nil
}

// Slugify lower-cases the words of text and joins them with dashes.
func Slugify(text string) string {
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	return strings.Join(words, "-")
}
