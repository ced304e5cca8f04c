package threading

import (
	"strconv"
	"testing"

	"postdesk/parser"
)

func FuzzSubjectRefs(f *testing.F) {
	for _, s := range []string{
		"[TKT-1] x", "Re: TKT-12 x", "tkt-3", "TKT-1 and TKT-1 again", "TKT-1, TKT-2",
		"XTKT-1", "TKT-12a", "TKT-1234567890123456789012", "TKT-0", "ABC-1", "éTKT-1",
		"TKT-999999999999999999", "[TKT-1][TKT-2]", "", "TKT-", "\xff\xfeTKT-1",
		"Re: TKT-12の件", "TKT-12\u0301", "TKT-12a TKT-13",
	} {
		f.Add(s)
	}
	m := newTestMatcher()
	f.Fuzz(func(t *testing.T, s string) {
		got := m.SubjectRefs(s)
		// One reading of references: the parser's Ref is the first here.
		want := ""
		if len(got) > 0 {
			want = "TKT-" + strconv.FormatInt(got[0], 10)
		}
		if ref := parser.ParseSubjectFor(s, "TKT").Ref; ref != want {
			t.Errorf("SubjectRefs(%q) = %v but ParseSubjectFor gives Ref %q", s, got, ref)
		}
		seen := map[int64]bool{}
		for _, n := range got {
			if n <= 0 {
				t.Errorf("SubjectRefs(%q) returned %d, want only positive numbers", s, n)
			}
			if seen[n] {
				t.Errorf("SubjectRefs(%q) = %v: %d appears twice", s, got, n)
			}
			seen[n] = true
		}
	})
}

func FuzzParseRef(f *testing.F) {
	for _, s := range []string{
		"TKT-12", " tkt-12 ", "TKT-0", "TKT-", "ABC-1", "TKT-1x", "TKT--1",
		"TKT-9223372036854775807", "TKT-9223372036854775808", "", "\tTkT-7\n",
	} {
		f.Add(s)
	}
	m := newTestMatcher()
	f.Fuzz(func(t *testing.T, s string) {
		n, err := m.ParseRef(s)
		if err != nil {
			if n != 0 {
				t.Errorf("ParseRef(%q) = %d with error %v, want 0", s, n, err)
			}
			return
		}
		if n <= 0 {
			t.Fatalf("ParseRef(%q) = %d without error, want a positive number", s, n)
		}
		ref := "TKT-" + strconv.FormatInt(n, 10)
		back, err := m.ParseRef(ref)
		if err != nil || back != n {
			t.Errorf("ParseRef(%q) = %d, but ParseRef(%q) = %d, %v", s, n, ref, back, err)
		}
	})
}
