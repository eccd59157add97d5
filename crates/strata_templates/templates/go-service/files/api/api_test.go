package api

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
)

func get(t *testing.T, path string) (*http.Response, map[string]any) {
	t.Helper()
	rec := httptest.NewRecorder()
	Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	body := map[string]any{}
	_ = json.Unmarshal(rec.Body.Bytes(), &body)
	return rec.Result(), body
}

func TestHealthAndReady(t *testing.T) {
	for _, path := range []string{"/health", "/ready"} {
		res, body := get(t, path)
		if res.StatusCode != http.StatusOK || body["status"] != "ok" || body["service"] != Service {
			t.Errorf("GET %s = %d %v", path, res.StatusCode, body)
		}
	}
}

func TestBasePath(t *testing.T) {
	res, body := get(t, BasePath)
	if res.StatusCode != http.StatusOK || body["name"] != Service {
		t.Errorf("GET %s = %d %v", BasePath, res.StatusCode, body)
	}
}

func TestUnknownPath(t *testing.T) {
	if res, _ := get(t, "/nope"); res.StatusCode != http.StatusNotFound {
		t.Errorf("GET /nope = %d", res.StatusCode)
	}
}
