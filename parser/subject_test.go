package parser

import "testing"

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
		{"severity with nothing after", "Severity 1 -", Subject{Severity: 1}},
		{"severity alone", "Severity 2", Subject{Severity: 2}},
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
