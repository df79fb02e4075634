// A status page service: serves the state of a few components as JSON and plain text.
// Standard library only. `server -selftest` exercises the handlers in-process.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"strings"
	"sync"
)

type board struct {
	mu     sync.Mutex
	states map[string]string
}

func newBoard() *board {
	return &board{states: map[string]string{"api": "up", "db": "up", "queue": "degraded"}}
}

func (b *board) names() []string {
	names := make([]string, 0, len(b.states))
	for name := range b.states {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

func (b *board) handleStatus(w http.ResponseWriter, r *http.Request) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if strings.Contains(r.Header.Get("Accept"), "application/json") {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(b.states)
		return
	}
	for _, name := range b.names() {
		fmt.Fprintf(w, "%s: %s\n", name, b.states[name])
	}
}

func (b *board) handleSet(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	name, state := r.URL.Query().Get("name"), r.URL.Query().Get("state")
	if name == "" || state == "" {
		http.Error(w, "name and state are required", http.StatusBadRequest)
		return
	}
	b.mu.Lock()
	b.states[name] = state
	b.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

func (b *board) routes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("/status", b.handleStatus)
	mux.HandleFunc("/set", b.handleSet)
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ok") })
	return mux
}

func selftest() error {
	mux := newBoard().routes()
	set := httptest.NewRecorder()
	mux.ServeHTTP(set, httptest.NewRequest(http.MethodPost, "/set?name=queue&state=up", nil))
	if set.Code != http.StatusNoContent {
		return fmt.Errorf("set: %d", set.Code)
	}
	get := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/status", nil)
	req.Header.Set("Accept", "application/json")
	mux.ServeHTTP(get, req)
	var states map[string]string
	if err := json.Unmarshal(get.Body.Bytes(), &states); err != nil {
		return err
	}
	fmt.Printf("selftest %d queue=%s components=%d\n", get.Code, states["queue"], len(states))
	return nil
}

func main() {
	test := flag.Bool("selftest", false, "exercise the handlers and exit")
	flag.Parse()
	if *test {
		if err := selftest(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	addr := ":" + envOr("PORT", "8080")
	log.Printf("status page on %s", addr)
	log.Fatal(http.ListenAndServe(addr, newBoard().routes()))
}

func envOr(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}
