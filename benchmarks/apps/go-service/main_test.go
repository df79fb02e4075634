package main

import "testing"

func TestSelftest(t *testing.T) {
	if err := selftest(); err != nil {
		t.Fatal(err)
	}
}

func TestKeysSorted(t *testing.T) {
	s := NewStore()
	s.Put("b", "2")
	s.Put("a", "1")
	if got := s.Keys(); len(got) != 2 || got[0] != "a" {
		t.Fatalf("keys = %v", got)
	}
}
