// Command go-service is a small key-value status service using only the standard library.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"
)

var version = "1.4.2"

// Store is a concurrency-safe in-memory key-value store.
type Store struct {
	mu   sync.RWMutex
	data map[string]string
}

func NewStore() *Store { return &Store{data: map[string]string{}} }

func (s *Store) Put(k, v string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.data[k] = v
}

func (s *Store) Get(k string) (string, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	v, ok := s.data[k]
	return v, ok
}

func (s *Store) Keys() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	keys := make([]string, 0, len(s.data))
	for k := range s.data {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func newMux(store *Store, started time.Time) *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{
			"status": "ok", "version": version, "uptime_s": int(time.Since(started).Seconds()),
		})
	})
	mux.HandleFunc("/kv/", func(w http.ResponseWriter, r *http.Request) {
		key := strings.TrimPrefix(r.URL.Path, "/kv/")
		switch {
		case key == "" && r.Method == http.MethodGet:
			writeJSON(w, http.StatusOK, store.Keys())
		case key == "":
			http.Error(w, "key required", http.StatusBadRequest)
		case r.Method == http.MethodPut:
			var body struct{ Value string }
			if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
				http.Error(w, "bad json", http.StatusBadRequest)
				return
			}
			store.Put(key, body.Value)
			w.WriteHeader(http.StatusNoContent)
		case r.Method == http.MethodGet:
			if v, ok := store.Get(key); ok {
				writeJSON(w, http.StatusOK, map[string]string{"key": key, "value": v})
				return
			}
			http.NotFound(w, r)
		default:
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		}
	})
	return mux
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// selftest exercises the handlers in-process (no socket) and reports the result.
func selftest() error {
	h := newMux(NewStore(), time.Now())
	put := httptest.NewRequest(http.MethodPut, "/kv/greeting", strings.NewReader(`{"Value":"hello"}`))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, put)
	if rec.Code != http.StatusNoContent {
		return fmt.Errorf("PUT returned %d", rec.Code)
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/kv/greeting", nil))
	var got map[string]string
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil || got["value"] != "hello" {
		return fmt.Errorf("GET returned %d %q", rec.Code, rec.Body.String())
	}
	return nil
}

func main() {
	addr := flag.String("addr", ":8080", "listen address")
	showVersion := flag.Bool("version", false, "print the version and exit")
	runSelftest := flag.Bool("selftest", false, "exercise the handlers in-process and exit")
	flag.Parse()

	switch {
	case *showVersion:
		fmt.Printf("go-service %s (%s %s/%s)\n", version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
		return
	case *runSelftest:
		if err := selftest(); err != nil {
			fmt.Fprintln(os.Stderr, "selftest failed:", err)
			os.Exit(1)
		}
		fmt.Println("selftest ok")
		return
	}

	srv := &http.Server{Addr: *addr, Handler: newMux(NewStore(), time.Now()), ReadHeaderTimeout: 5 * time.Second}
	log.Printf("go-service %s listening on %s", version, *addr)
	log.Fatal(srv.ListenAndServe())
}
