package {{ go_package }}

import (
	"errors"
	"testing"
)

func TestGreet(t *testing.T) {
	got, err := Greet("  Ada ")
	if err != nil || got != "Hello, Ada!" {
		t.Fatalf("Greet = %q, %v", got, err)
	}
	if _, err := Greet(" "); !errors.Is(err, ErrEmptyName) {
		t.Fatalf("Greet(blank) error = %v, want ErrEmptyName", err)
	}
}

func TestSlugify(t *testing.T) {
	cases := []struct{ in, want string }{
		{"Hello, World!", "hello-world"},
		{"", ""},
		{"  many   spaces ", "many-spaces"},
	}
	for _, c := range cases {
		if got := Slugify(c.in); got != c.want {
			t.Errorf("Slugify(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
