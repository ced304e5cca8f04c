package threading

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"postdesk/parser"
)

func newTestMatcher() *Matcher { return NewMatcher("TKT", "desk.example") }

func TestSubjectRefs(t *testing.T) {
	m := newTestMatcher()
	tests := []struct {
		name    string
		subject string
		want    []int64
	}{
		{"bracketed", "[TKT-1] x", []int64{1}},
		{"after Re:", "Re: TKT-12 x", []int64{12}},
		{"lower case prefix", "tkt-3", []int64{3}},
		{"mixed case prefix", "Fwd: [Tkt-4]", []int64{4}},
		// Reply and forward prefixes of mail clients in other languages.
		{"after RE:", "RE: [TKT-5] labels", []int64{5}},
		{"after AW: (German)", "AW: [TKT-5] labels", []int64{5}},
		{"after Antw: (Dutch)", "Antw: TKT-5 labels", []int64{5}},
		{"after R: (Italian)", "R: [TKT-5] labels", []int64{5}},
		{"after RIF: (Italian)", "RIF: [TKT-5] labels", []int64{5}},
		{"after WG: (German forward)", "WG: [TKT-5] labels", []int64{5}},
		{"after I: (Italian forward)", "I: [TKT-5] labels", []int64{5}},
		{"after TR: (French forward)", "TR: [TKT-5] labels", []int64{5}},
		{"after Doorst: (Dutch forward)", "Doorst: [TKT-5] labels", []int64{5}},
		{"after SV: (Nordic)", "SV: [TKT-5] labels", []int64{5}},
		{"prefix glued to the ref", "AW:TKT-5", []int64{5}},
		{"prefix glued to the bracket", "R:[TKT-5]", []int64{5}},
		{"numbered prefix", "RE[2]: [TKT-5]", []int64{5}},
		{"stacked prefixes", "Re: AW: WG: [TKT-6] labels", []int64{6}},
		{"stacked glued prefixes", "AW:RE:Antw:TKT-6", []int64{6}},
		{"stacked forward and reply", "Fwd: RIF: I: TR: Doorst: [TKT-6] x", []int64{6}},
		{"stacked prefixes, two refs", "Re: AW: [TKT-6] also TKT-7", []int64{6, 7}},
		{"prefix word glued before the ref", "AWTKT-5", nil},
		{"same ref twice counted once", "TKT-1 and TKT-1 again", []int64{1}},
		{"two refs in order", "TKT-1, TKT-2", []int64{1, 2}},
		{"two refs reverse order", "[TKT-9] see [TKT-2]", []int64{9, 2}},
		{"two bracketed refs glued", "[TKT-1][TKT-2]", []int64{1, 2}},
		{"one space between refs", "TKT-1 TKT-2", []int64{1, 2}},
		{"slash between refs", "TKT-1/TKT-2", []int64{1, 2}},
		{"comma without space", "TKT-1,TKT-2", []int64{1, 2}},
		{"four refs", "Re: [TKT-1] [TKT-2] TKT-3 TKT-4", []int64{1, 2, 3, 4}},
		{"combining mark glued before", "e\u0301TKT-1", nil},
		{"glued to a letter before", "XTKT-1", nil},
		{"glued to a digit before", "1TKT-1", nil},
		// The number may not be followed by more digits, nor by a letter of
		// an alphabet written with spaces (parser.RefFinder.Find): TKT-12a is
		// another code. A Japanese or Korean particle may follow.
		{"digits followed by a letter", "TKT-12a", nil},
		{"digits followed by an upper-case letter", "Re: TKT-12X labels", nil},
		{"digits followed by a Cyrillic letter", "TKT-12б", nil},
		{"digits followed by a combining mark", "TKT-12\u0301", nil},
		{"Japanese particle after", "Re: TKT-12の件", []int64{12}},
		{"Korean particle after", "TKT-12번 문의", []int64{12}},
		{"underscore after", "TKT-12_draft", []int64{12}},
		{"apostrophe after", "TKT-12's labels", []int64{12}},
		{"letter-glued then valid", "TKT-12a TKT-13", []int64{13}},
		{"digits followed by a unicode digit", "TKT-1\u0663", nil},
		{"too many digits", "TKT-1234567890123456789012", nil},
		{"nineteen digits", "TKT-1000000000000000000", nil},
		{"eighteen digits", "TKT-999999999999999999", []int64{999999999999999999}},
		{"zero", "TKT-0", nil},
		{"zero padded", "TKT-007", []int64{7}},
		{"other prefix", "ABC-1", nil},
		{"unicode letter glued before", "éTKT-1", nil},
		{"no number", "TKT-", nil},
		{"empty", "", nil},
		{"too long then valid", "TKT-1234567890123456789012 [TKT-5]", []int64{5}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := m.SubjectRefs(tc.subject)
			if !slices.Equal(got, tc.want) {
				t.Errorf("SubjectRefs(%q) = %v, want %v", tc.subject, got, tc.want)
			}
		})
	}
}

func TestSubjectRefsQuotesPrefix(t *testing.T) {
	m := NewMatcher("A.B", "desk.example")
	if got := m.SubjectRefs("AxB-1"); got != nil {
		t.Errorf("prefix with regexp metacharacter matched %v for AxB-1", got)
	}
	if got := m.SubjectRefs("[a.b-2]"); !slices.Equal(got, []int64{2}) {
		t.Errorf("SubjectRefs([a.b-2]) = %v, want [2]", got)
	}
}

func TestOwnRef(t *testing.T) {
	m := newTestMatcher()
	tests := []struct {
		name   string
		id     string
		want   int64
		wantOK bool
	}{
		{"root id", "TKT-1@desk.example", 1, true},
		{"notification id", "TKT-7.mwt6bkhv.7bf75e77096a@desk.example", 7, true},
		{"other domain", "TKT-7@other.example", 0, false},
		{"domain suffix attack", "TKT-7.x@desk.example.evil", 0, false},
		{"domain as subdomain", "TKT-7@evil.desk.example", 0, false},
		{"upper case domain", "TKT-5@DESK.EXAMPLE", 5, true},
		{"lower case prefix", "tkt-5.a@Desk.Example", 5, true},
		{"zero", "TKT-0@desk.example", 0, false},
		{"other prefix", "ABC-1@desk.example", 0, false},
		{"text before prefix", "xTKT-1@desk.example", 0, false},
		{"no separator after number", "TKT-1x@desk.example", 0, false},
		{"no number", "TKT-@desk.example", 0, false},
		{"too long number", "TKT-1234567890123456789@desk.example", 0, false},
		{"empty", "", 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := m.OwnRef(tc.id)
			if got != tc.want || ok != tc.wantOK {
				t.Errorf("OwnRef(%q) = %d, %v; want %d, %v", tc.id, got, ok, tc.want, tc.wantOK)
			}
		})
	}
}

func TestOwnRefDomainConfiguredInUpperCase(t *testing.T) {
	m := NewMatcher("TKT", "Desk.Example")
	if n, ok := m.OwnRef("TKT-2@desk.example"); !ok || n != 2 {
		t.Errorf("OwnRef = %d, %v; want 2, true", n, ok)
	}
}

func TestRootID(t *testing.T) {
	tests := []struct {
		name   string
		domain string
		ref    string
		want   string
	}{
		{"plain", "desk.example", "TKT-1", "TKT-1@desk.example"},
		{"domain lower-cased", "Desk.EXAMPLE", "TKT-42", "TKT-42@desk.example"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := NewMatcher("TKT", tc.domain)
			got := m.RootID(tc.ref)
			if got != tc.want {
				t.Fatalf("RootID(%q) = %q, want %q", tc.ref, got, tc.want)
			}
			if n, ok := m.OwnRef(got); !ok || fmt.Sprintf("TKT-%d", n) != tc.ref {
				t.Errorf("OwnRef(%q) = %d, %v; want the number of %s", got, n, ok, tc.ref)
			}
		})
	}
}

func TestNewMessageID(t *testing.T) {
	m := newTestMatcher()
	now := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC) // 1714564800000 ms
	rnd := []byte{0x01, 0x02, 0x03, 0x04, 0x05, 0xab, 0xff}

	t.Run("exact output", func(t *testing.T) {
		got, err := m.NewMessageID("TKT-3", now, bytes.NewReader(rnd))
		if err != nil {
			t.Fatal(err)
		}
		const want = "TKT-3.lvnrm2o0.0102030405ab@desk.example"
		if got != want {
			t.Errorf("NewMessageID = %q, want %q", got, want)
		}
	})
	t.Run("reads six bytes only", func(t *testing.T) {
		r := bytes.NewReader(rnd)
		if _, err := m.NewMessageID("TKT-3", now, r); err != nil {
			t.Fatal(err)
		}
		if r.Len() != len(rnd)-6 {
			t.Errorf("%d bytes left unread, want %d", r.Len(), len(rnd)-6)
		}
	})
	t.Run("empty reader", func(t *testing.T) {
		got, err := m.NewMessageID("TKT-3", now, bytes.NewReader(nil))
		if !errors.Is(err, io.EOF) {
			t.Errorf("err = %v, want io.EOF", err)
		}
		if got != "" {
			t.Errorf("id = %q on error, want empty", got)
		}
	})
	t.Run("short reader", func(t *testing.T) {
		_, err := m.NewMessageID("TKT-3", now, bytes.NewReader(rnd[:3]))
		if !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("err = %v, want io.ErrUnexpectedEOF", err)
		}
	})
	t.Run("round trip through OwnRef", func(t *testing.T) {
		id, err := m.NewMessageID("TKT-3", now, bytes.NewReader(rnd))
		if err != nil {
			t.Fatal(err)
		}
		if n, ok := m.OwnRef(id); !ok || n != 3 {
			t.Errorf("OwnRef(%q) = %d, %v; want 3, true", id, n, ok)
		}
	})
	t.Run("different randomness gives different ids", func(t *testing.T) {
		a, errA := m.NewMessageID("TKT-3", now, bytes.NewReader(make([]byte, 6)))
		b, errB := m.NewMessageID("TKT-3", now, bytes.NewReader(rnd))
		if errA != nil || errB != nil {
			t.Fatal(errA, errB)
		}
		if a == b {
			t.Errorf("two ids with different randomness are equal: %q", a)
		}
	})
}

func TestKeys(t *testing.T) {
	m := newTestMatcher()
	var many []string
	for i := range 60 {
		many = append(many, fmt.Sprintf("r%d@x", i))
	}
	var newest50 []string
	for i := 59; i >= 10; i-- {
		newest50 = append(newest50, fmt.Sprintf("r%d@x", i))
	}
	tests := []struct {
		name        string
		msg         parser.Message
		wantIDs     []string
		wantSubject []int64
	}{
		{
			name: "in-reply-to then references newest first",
			msg: parser.Message{MessageID: "me@x", InReplyTo: []string{"c@x"},
				References: []string{"a@x", "b@x", "c@x"}, Subject: "Re: [TKT-4] help"},
			wantIDs:     []string{"c@x", "b@x", "a@x"},
			wantSubject: []int64{4},
		},
		{
			name: "own message id excluded",
			msg: parser.Message{MessageID: "me@x", InReplyTo: []string{"me@x"},
				References: []string{"a@x", "me@x"}},
			wantIDs: []string{"a@x"},
		},
		{
			name:    "empty ids and duplicates dropped",
			msg:     parser.Message{InReplyTo: []string{"", "a@x", "a@x"}, References: []string{"b@x", "", "a@x", "b@x"}},
			wantIDs: []string{"a@x", "b@x"},
		},
		{
			name:    "capped at fifty, newest references kept",
			msg:     parser.Message{References: many},
			wantIDs: newest50,
		},
		{
			name:    "in-reply-to kept when references overflow",
			msg:     parser.Message{InReplyTo: []string{"irt@x"}, References: many},
			wantIDs: append([]string{"irt@x"}, newest50[:49]...),
		},
		{
			name:        "subject behind stacked localized reply prefixes",
			msg:         parser.Message{MessageID: "me@x", Subject: "AW: Antw: R: RIF: SV: [TKT-4] help"},
			wantSubject: []int64{4},
		},
		{
			name:        "subject behind stacked localized forward prefixes",
			msg:         parser.Message{MessageID: "me@x", Subject: "WG: I: TR: Doorst: Fwd: TKT-4 help"},
			wantSubject: []int64{4},
		},
		{
			name:        "subject only",
			msg:         parser.Message{Subject: "TKT-1, TKT-2"},
			wantSubject: []int64{1, 2},
		},
		{
			name: "nothing",
			msg:  parser.Message{MessageID: "me@x", Subject: "hello"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			k := m.Keys(&tc.msg)
			if !slices.Equal(k.MessageIDs, tc.wantIDs) {
				t.Errorf("MessageIDs = %v, want %v", k.MessageIDs, tc.wantIDs)
			}
			if len(k.MessageIDs) > maxReferences {
				t.Errorf("%d MessageIDs, want at most %d", len(k.MessageIDs), maxReferences)
			}
			if !slices.Equal(k.SubjectRefs, tc.wantSubject) {
				t.Errorf("SubjectRefs = %v, want %v", k.SubjectRefs, tc.wantSubject)
			}
		})
	}
}

func TestResolve(t *testing.T) {
	m := newTestMatcher()
	tests := []struct {
		name  string
		keys  Keys
		known Known
		want  Match
	}{
		{
			name:  "verified token wins over headers and subject",
			keys:  Keys{Token: 7, MessageIDs: []string{"a@x"}, SubjectRefs: []int64{2}},
			known: Known{ByMessageID: map[string]int64{"a@x": 1}, Exists: map[int64]bool{1: true, 2: true, 7: true}},
			want:  Match{Number: 7, By: "token"},
		},
		{
			name:  "token of a ticket that does not exist falls through",
			keys:  Keys{Token: 9, SubjectRefs: []int64{2}},
			known: Known{Exists: map[int64]bool{2: true}},
			want:  Match{Number: 2, By: "subject"},
		},
		{
			name:  "header match wins over subject",
			keys:  Keys{MessageIDs: []string{"a@x"}, SubjectRefs: []int64{2}},
			known: Known{ByMessageID: map[string]int64{"a@x": 1}, Exists: map[int64]bool{1: true, 2: true}},
			want:  Match{Number: 1, By: "header"},
		},
		{
			name:  "header match wins over own message id",
			keys:  Keys{MessageIDs: []string{"TKT-2@desk.example", "a@x"}},
			known: Known{ByMessageID: map[string]int64{"a@x": 1}, Exists: map[int64]bool{1: true, 2: true}},
			want:  Match{Number: 1, By: "header"},
		},
		{
			name:  "first known header in order wins",
			keys:  Keys{MessageIDs: []string{"a@x", "b@x"}},
			known: Known{ByMessageID: map[string]int64{"a@x": 3, "b@x": 4}},
			want:  Match{Number: 3, By: "header"},
		},
		{
			name:  "older reference when in-reply-to unknown",
			keys:  Keys{MessageIDs: []string{"unknown@x", "new@x", "old@x"}},
			known: Known{ByMessageID: map[string]int64{"old@x": 5}, Exists: map[int64]bool{5: true}},
			want:  Match{Number: 5, By: "header"},
		},
		{
			name:  "own message id of existing ticket",
			keys:  Keys{MessageIDs: []string{"unknown@x", "TKT-6.abc.def@desk.example"}, SubjectRefs: []int64{7}},
			known: Known{Exists: map[int64]bool{6: true, 7: true}},
			want:  Match{Number: 6, By: "own-message-id"},
		},
		{
			name:  "own message id of missing ticket falls to subject",
			keys:  Keys{MessageIDs: []string{"TKT-6@desk.example"}, SubjectRefs: []int64{7}},
			known: Known{Exists: map[int64]bool{7: true}},
			want:  Match{Number: 7, By: "subject"},
		},
		{
			name:  "own message id of missing ticket alone is new",
			keys:  Keys{MessageIDs: []string{"TKT-6@desk.example"}},
			known: Known{Exists: map[int64]bool{}},
			want:  Match{},
		},
		{
			name:  "foreign domain id is not own",
			keys:  Keys{MessageIDs: []string{"TKT-6@other.example"}},
			known: Known{Exists: map[int64]bool{6: true}},
			want:  Match{},
		},
		{
			name:  "subject of existing ticket",
			keys:  Keys{SubjectRefs: []int64{8}},
			known: Known{Exists: map[int64]bool{8: true}},
			want:  Match{Number: 8, By: "subject"},
		},
		{
			name:  "first existing subject ref",
			keys:  Keys{SubjectRefs: []int64{99, 8, 9}},
			known: Known{Exists: map[int64]bool{8: true, 9: true}},
			want:  Match{Number: 8, By: "subject"},
		},
		{
			name:  "subject naming nonexistent ticket is new",
			keys:  Keys{SubjectRefs: []int64{99}},
			known: Known{Exists: map[int64]bool{8: true}},
			want:  Match{},
		},
		{
			name: "nothing is new",
			want: Match{},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := m.Resolve(tc.keys, tc.known)
			if got != tc.want {
				t.Errorf("Resolve = %+v, want %+v", got, tc.want)
			}
			if (got.Number == 0) != (got.By == "") {
				t.Errorf("Resolve = %+v: Number 0 must go with By \"\" and only then", got)
			}
		})
	}
}

func TestCandidates(t *testing.T) {
	m := newTestMatcher()
	tests := []struct {
		name string
		keys Keys
		want []int64
	}{
		{"none", Keys{}, nil},
		{"foreign ids ignored", Keys{MessageIDs: []string{"a@x", "TKT-1@other.example"}}, nil},
		{
			"own refs then subject refs, each once",
			Keys{
				MessageIDs:  []string{"TKT-3.a.b@desk.example", "a@x", "TKT-1@desk.example", "TKT-3@desk.example"},
				SubjectRefs: []int64{1, 5, 3, 6},
			},
			[]int64{3, 1, 5, 6},
		},
		{"subject only", Keys{SubjectRefs: []int64{4, 2}}, []int64{4, 2}},
		{"token first, each once", Keys{Token: 2, SubjectRefs: []int64{4, 2}}, []int64{2, 4}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := m.Candidates(tc.keys)
			if !slices.Equal(got, tc.want) {
				t.Errorf("Candidates = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestParseRef(t *testing.T) {
	m := newTestMatcher()
	tests := []struct {
		name    string
		in      string
		want    int64
		wantErr bool
	}{
		{"plain", "TKT-12", 12, false},
		{"spaces and lower case", " tkt-12 ", 12, false},
		{"zero", "TKT-0", 0, true},
		{"no number", "TKT-", 0, true},
		{"other prefix", "ABC-1", 0, true},
		{"trailing letter", "TKT-1x", 0, true},
		{"negative", "TKT--1", 0, true},
		{"no hyphen", "TKT1", 0, true},
		{"number only", "12", 0, true},
		{"empty", "", 0, true},
		{"overflow", "TKT-99999999999999999999", 0, true},
		{"plus sign", "TKT-+12", 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := m.ParseRef(tc.in)
			if tc.wantErr {
				if err == nil {
					t.Fatalf("ParseRef(%q) = %d, want an error", tc.in, got)
				}
				if !strings.Contains(err.Error(), "TKT-12") {
					t.Errorf("error %q does not show the expected form TKT-12", err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("ParseRef(%q) = %d, %v; want %d", tc.in, got, err, tc.want)
			}
		})
	}
}
