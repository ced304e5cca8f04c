package parser

import (
	"slices"
	"testing"
	"unicode/utf8"
)

func TestParseSubject(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Subject
	}{
		{"short S1 form", "S1 - Acme - portal down", Subject{Severity: 1, Client: "Acme", Summary: "portal down"}},
		{"short S2 with colon", "s2: labels slow", Subject{Severity: 2, Summary: "labels slow"}},
		{"S3 is a bucket, not a severity", "S3 bucket full", Subject{Summary: "S3 bucket full"}},
		{"Severity1 glued", "Severity1 - Acme - down", Subject{Severity: 1, Client: "Acme", Summary: "down"}},
		{"trailing tags", "Severity 2 - Acme - labels [EXTERNAL] [TKT-4]", Subject{Severity: 2, Client: "Acme", Summary: "labels"}},
		{"tags only", "[EXTERNAL]", Subject{Summary: ""}},
		{"quoted client then dash", `Severity 1 - "Acme Freight" - labels not printing`, Subject{Severity: 1, Client: "Acme Freight", Summary: "labels not printing"}},
		{"quoted client then colon", `Severity 1 - "Acme Freight": labels not printing`, Subject{Severity: 1, Client: "Acme Freight", Summary: "labels not printing"}},
		{"no separator after the number", "Severity 1 OmniParcel tracking portal not loading", Subject{Severity: 1, Summary: "OmniParcel tracking portal not loading"}},
		{"number glued to a word", "Sev 3D printer jams", Subject{Summary: "Sev 3D printer jams"}},
		{"trailing dash", "Severity 1 - Acme Freight -", Subject{Severity: 1, Summary: "Acme Freight"}},
		{"full SEKO form", "Severity 1 - Acme Freight - labels not printing",
			Subject{Severity: 1, Client: "Acme Freight", Summary: "labels not printing"}},
		{"SEKO example without client", "Severity 1 - OmniParcel tracking portal not loading",
			Subject{Severity: 1, Summary: "OmniParcel tracking portal not loading"}},
		{"SEKO example with quoted client", `Severity 1 - "Client name" unable to print labels`,
			Subject{Severity: 1, Client: "Client name", Summary: "unable to print labels"}},
		{"curly quoted client", "Severity 2 - “Acme Freight” unable to print labels",
			Subject{Severity: 2, Client: "Acme Freight", Summary: "unable to print labels"}},
		{"quoted text only is the summary", `Severity 3 - "labels not printing"`,
			Subject{Severity: 3, Summary: "labels not printing"}},
		{"short form with colon", "Sev2: x",
			Subject{Severity: 2, Summary: "x"}},
		{"short form with space and dash", "Sev 3 - Acme Freight - manifest late",
			Subject{Severity: 3, Client: "Acme Freight", Summary: "manifest late"}},
		{"colon and en dashes", "Severity: 3 – a – b",
			Subject{Severity: 3, Client: "a", Summary: "b"}},
		{"em dashes", "Severity 2 — Acme Freight — manifests missing",
			Subject{Severity: 2, Client: "Acme Freight", Summary: "manifests missing"}},
		{"upper case", "SEVERITY 1 - ACME FREIGHT - SYSTEM DOWN",
			Subject{Severity: 1, Client: "ACME FREIGHT", Summary: "SYSTEM DOWN"}},
		{"no space before dash", "Severity 1- Acme Freight - labels not printing",
			Subject{Severity: 1, Client: "Acme Freight", Summary: "labels not printing"}},
		{"only the first dash splits client from summary", "Severity 2 - Acme Freight - labels - since 10am",
			Subject{Severity: 2, Client: "Acme Freight", Summary: "labels - since 10am"}},
		{"hyphenated words are not separators", "Severity 2 - Acme Freight - re-print fails",
			Subject{Severity: 2, Client: "Acme Freight", Summary: "re-print fails"}},
		{"stacked localized prefixes", "RE: AW: Antw: R: RIF: Fwd: WG: I: Doorst: TR: SV: Re[2]: Severity 1 - Acme Freight - labels not printing",
			Subject{Severity: 1, Client: "Acme Freight", Summary: "labels not printing"}},
		{"stacked prefixes lower case", "re: aw: antw: r: rif: fwd: wg: i: doorst: tr: sv: re[2]: severity 1 - acme freight - labels not printing",
			Subject{Severity: 1, Client: "acme freight", Summary: "labels not printing"}},
		{"external tag", "[EXTERNAL] Severity 3 - Acme Freight - change request",
			Subject{Severity: 3, Client: "Acme Freight", Summary: "change request"}},
		{"prefix, tag and ticket tag", "RE: [EXTERNAL] [TKT-12] Severity 2 - Acme Freight - labels not printing",
			Subject{Severity: 2, Client: "Acme Freight", Summary: "labels not printing"}},
		{"no severity", "Printer broken", Subject{Summary: "Printer broken"}},
		{"no severity after prefixes", "Fwd: RE: Printer broken", Subject{Summary: "Printer broken"}},
		{"empty", "", Subject{}},
		{"blank", "   ", Subject{}},
		{"severity with nothing after keeps the subject", "Severity 1 -", Subject{Severity: 1, Summary: "Severity 1"}},
		{"severity alone keeps the subject", "Severity 2", Subject{Severity: 2, Summary: "Severity 2"}},
		{"severity with en dash and nothing after", "RE: Sev 3 –", Subject{Severity: 3, Summary: "Sev 3"}},
		{"severity in a leading tag", "[Sev1] Acme - portal down", Subject{Severity: 1, Client: "Acme", Summary: "portal down"}},
		{"severity in a leading tag, no client", "[Severity 2] labels slow", Subject{Severity: 2, Summary: "labels slow"}},
		{"severity tag after other tags", "RE: [EXTERNAL] [SEV-3] Acme - x", Subject{Severity: 3, Client: "Acme", Summary: "x"}},
		{"[S3] tag is no severity", "[S3] Bucket full", Subject{Summary: "Bucket full"}},
		{"[S3] tag before a client is no severity", "RE: [EXTERNAL] [S3] Acme - x", Subject{Summary: "Acme - x"}},
		{"[S2] trailing tag is no severity", "Acme - labels slow [S2]", Subject{Summary: "Acme - labels slow"}},
		{"severity tag with a colon", "[Sev: 2] labels", Subject{Severity: 2, Summary: "labels"}},
		{"severity in a trailing tag", "Acme - labels slow [Sev-2]", Subject{Severity: 2, Client: "Acme", Summary: "labels slow"}},
		{"severity tag alone", "[Sev1]", Subject{Severity: 1}},
		{"a tag that is no severity", "[Sev12] labels", Subject{Summary: "labels"}},
		{"Severity-1 with hyphen", "Severity-1 - Acme - down", Subject{Severity: 1, Client: "Acme", Summary: "down"}},
		{"Sev-2 with hyphen", "Sev-2: labels", Subject{Severity: 2, Summary: "labels"}},
		{"without a known prefix a bare reference stays", "Severity 2 - Acme Freight TKT-12 - labels", Subject{Severity: 2, Client: "Acme Freight TKT-12", Summary: "labels"}},
		{"without a known prefix COVID-19 stays", "COVID-19 rules for drivers", Subject{Summary: "COVID-19 rules for drivers"}},
		{"severity 0 is not a severity", "Severity 0 - Acme - x", Subject{Summary: "Severity 0 - Acme - x"}},
		{"severity 10 is not a severity", "Severity 10 - Acme - x", Subject{Summary: "Severity 10 - Acme - x"}},
		{"severity 9 is the highest number", "Sev9: x", Subject{Severity: 9, Summary: "x"}},
		{"word starting with sev", "Several parcels missing", Subject{Summary: "Several parcels missing"}},
		{"digit glued to a word", "Sev 3D printer jammed", Subject{Summary: "Sev 3D printer jammed"}},
		{"severity not at the start", "Labels down, Severity 1 - Acme", Subject{Summary: "Labels down, Severity 1 - Acme"}},
		{"Reply is a word, not a prefix", "Reply needed", Subject{Summary: "Reply needed"}},
		{"Iris is a word, not a prefix", "Iris broke", Subject{Summary: "Iris broke"}},
		{"prefix before Reply", "Re: Reply needed", Subject{Summary: "Reply needed"}},
		{"Italian I: before Iris", "I: Iris broke", Subject{Summary: "Iris broke"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ParseSubject(tt.in)
			if got != tt.want {
				t.Errorf("ParseSubject(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
		})
	}
}

func TestStripPrefixes(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"RE: AW: Antw: R: RIF: Fwd: WG: I: Doorst: TR: SV: Re[2]: labels", "labels"},
		{"re: aw: antw: r: rif: fwd: wg: i: doorst: tr: sv: re[2]: labels", "labels"},
		{"Re: aW: ANTW: r: Rif: FWD: Wg: I: DOORST: Tr: Sv: RE[2]: labels", "labels"},
		{"FW: Fw: fw: labels", "labels"},
		{"Antwort: VS: Odp: YNT: Ref: labels", "labels"},
		{"RE : labels", "labels"},
		{"Re[12]: Re(3): Re [2]: labels", "labels"},
		{"Re:Re:Re:labels", "labels"},
		{"Re： labels", "labels"},
		{"  Re:   labels  ", "labels"},
		{"[EXTERNAL] labels", "labels"},
		{"[EXTERNAL] Re: [TKT-7] Fwd: labels", "labels"},
		{"[] labels", "labels"},
		{"Re:", ""},
		{"", ""},
		{"labels", "labels"},
		{"Reply needed", "Reply needed"},
		{"Reply: needed", "Reply: needed"},
		{"Iris broke", "Iris broke"},
		{"Re labels", "Re labels"},
		{"Rework: plan", "Rework: plan"},
		{"Info: server down", "Info: server down"},
		{"Tracking: delayed", "Tracking: delayed"},
		{"Refund: order 42", "Refund: order 42"},
		{"labels Re: again", "labels Re: again"},
		{"labels [EXTERNAL]", "labels [EXTERNAL]"},
		{"[unclosed tag labels", "[unclosed tag labels"},
	}
	for _, tt := range tests {
		if got := StripPrefixes(tt.in); got != tt.want {
			t.Errorf("StripPrefixes(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// ParseSubjectFor cuts the desk's references wherever they stand.
func TestParseSubjectFor(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Subject
	}{
		{"tag inside the client", "Severity 2 - Acme Freight [TKT-12] - labels", Subject{Severity: 2, Client: "Acme Freight", Summary: "labels", Ref: "TKT-12"}},
		{"parenthesised at the end", "Severity 2 - Acme Freight - labels (TKT-12)", Subject{Severity: 2, Client: "Acme Freight", Summary: "labels", Ref: "TKT-12"}},
		{"bare before the severity", "TKT-12 Severity 2 - Acme - labels", Subject{Severity: 2, Client: "Acme", Summary: "labels", Ref: "TKT-12"}},
		{"bare with a colon after a prefix", "Re: TKT-12: Printer broken", Subject{Summary: "Printer broken", Ref: "TKT-12"}},
		{"bare between the parts", "Severity 1 - Acme - TKT-7 - down", Subject{Severity: 1, Client: "Acme", Summary: "down", Ref: "TKT-7"}},
		{"bare inside the summary", "Labels for TKT-12 still missing", Subject{Summary: "Labels for still missing", Ref: "TKT-12"}},
		{"lower case prefix", "Severity 3 - Acme - x [tkt-5]", Subject{Severity: 3, Client: "Acme", Summary: "x", Ref: "TKT-5"}},
		{"spaces inside the brackets", "Printer ( TKT-9 ) broken", Subject{Summary: "Printer broken", Ref: "TKT-9"}},
		{"leading tag", "RE: [TKT-12] Severity 2 - Acme - labels", Subject{Severity: 2, Client: "Acme", Summary: "labels", Ref: "TKT-12"}},
		{"two references, the first kept", "[TKT-3] Re: (TKT-4) labels", Subject{Summary: "labels", Ref: "TKT-3"}},
		{"leading zeros", "labels [TKT-007]", Subject{Summary: "labels", Ref: "TKT-7"}},
		{"only a reference", "[TKT-12]", Subject{Ref: "TKT-12"}},
		{"glued to a word is no reference", "XTKT-12 labels", Subject{Summary: "XTKT-12 labels"}},
		{"a longer number is no reference", "TKT-12x labels", Subject{Summary: "TKT-12x labels"}},
		{"a letter after the number is another code", "Re: TKT-12a", Subject{Summary: "TKT-12a"}},
		{"a Japanese particle may follow", "Re: TKT-12の件", Subject{Summary: "の件", Ref: "TKT-12"}},
		{"zero is no reference", "TKT-0 labels", Subject{Summary: "TKT-0 labels"}},
		{"another desk's prefix stays", "Severity 2 - Acme [SR-12] - labels", Subject{Severity: 2, Client: "Acme [SR-12]", Summary: "labels"}},
		{"COVID-19 stays", "COVID-19 rules [TKT-2]", Subject{Summary: "COVID-19 rules", Ref: "TKT-2"}},
		{"severity tag and reference", "[Sev1] [TKT-4] Acme - down", Subject{Severity: 1, Client: "Acme", Summary: "down", Ref: "TKT-4"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ParseSubjectFor(tt.in, "TKT"); got != tt.want {
				t.Errorf("ParseSubjectFor(%q, TKT) = %+v, want %+v", tt.in, got, tt.want)
			}
		})
	}
	if got, want := ParseSubjectFor("COVID-19 rules", "COVID"), (Subject{Summary: "rules", Ref: "COVID-19"}); got != want {
		t.Errorf("the desk's prefix is what is cut: got %+v, want %+v", got, want)
	}
}

// RefFinder.Find gives each reference's place and number, by the rule its
// doc states.
func TestRefFinderFind(t *testing.T) {
	f := NewRefFinder("TKT")
	tests := []struct {
		in   string
		want []SubjectRef
	}{
		{"[TKT-12] x", []SubjectRef{{1, 7, 12}}},
		{"tkt-007 and TKT-7", []SubjectRef{{0, 7, 7}, {12, 17, 7}}},
		{"TKT-12a TKT-13", []SubjectRef{{8, 14, 13}}},
		{"TKT-12é", nil},
		{"TKT-12Ω", nil},
		{"TKT-12\u0663", nil},
		{"TKT-12の件", []SubjectRef{{0, 6, 12}}},
		{"XTKT-1 éTKT-2 1TKT-3", nil},
		{"TKT-0 TKT-1234567890123456789 TKT-", nil},
		{"AW:TKT-5/TKT-6", []SubjectRef{{3, 8, 5}, {9, 14, 6}}},
	}
	for _, tt := range tests {
		if got := f.Find(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("Find(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
	if got := NewRefFinder("").Find("-12 TKT-1"); got != nil {
		t.Errorf("prefix \"\" found %v", got)
	}
	if got := NewRefFinder("A.B").Find("AxB-1 a.b-2"); !slices.Equal(got, []SubjectRef{{6, 11, 2}}) {
		t.Errorf("prefix A.B: %v, want only a.b-2", got)
	}
}

// ParseSubjectFor keeps one compiled prefix, and a change of prefix is
// honoured each time.
func TestParseSubjectForPrefixChanges(t *testing.T) {
	for range 3 {
		for _, p := range []string{"TKT", "SR", "TKT"} {
			got := ParseSubjectFor("[TKT-1] [SR-2] x", p)
			want := map[string]string{"TKT": "TKT-1", "SR": "SR-2"}[p]
			if got.Ref != want {
				t.Errorf("prefix %s: Ref %q, want %q", p, got.Ref, want)
			}
			if f := lastFinder.Load(); f == nil || f.prefix != p {
				t.Errorf("prefix %s: cached finder %+v", p, f)
			}
		}
	}
}

// FuzzParseSubjectFor checks ParseSubjectFor's invariants for a desk prefix.
func FuzzParseSubjectFor(f *testing.F) {
	for _, s := range []string{"", "Severity 2 - Acme [TKT-12] - labels", "TKT-1 TKT-2 (TKT-3)", "[TKT-", "((TKT-9))", "Re: tkt-99999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := ParseSubjectFor(s, "TKT")
		if got.Severity < 0 || got.Severity > 9 || (got.Severity == 0 && got.Client != "") {
			t.Errorf("ParseSubjectFor(%q) = %+v", s, got)
		}
		if len(got.Summary) > len(s) || len(got.Client) > len(s) {
			t.Errorf("ParseSubjectFor(%q) = %+v: output longer than input", s, got)
		}
		if utf8.ValidString(s) && (!utf8.ValidString(got.Summary) || !utf8.ValidString(got.Client)) {
			t.Errorf("ParseSubjectFor(%q) = %+v: invalid UTF-8 from valid input", s, got)
		}
	})
}
