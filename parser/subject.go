package parser

import (
	"regexp"
	"strconv"
	"strings"
)

// Subject is what the subject line says besides its words: the SEKO form
// "Severity N - client - issue" (seeds/seko-it-support-self-management.txt,
// "Email subject") read into its parts.
type Subject struct {
	// Severity is 1-9 when the subject names one, else 0.
	Severity int `json:"severity,omitempty"`
	// Client is the company or area named after the severity, when there is one.
	Client string `json:"client,omitempty"`
	// Summary is the subject without reply/forward prefixes, [tags] at
	// either end, and the severity and client parts.
	Summary string `json:"summary"`
}

// replyPrefix matches one reply or forward marker as mail clients write them
// in English, German, Dutch, Italian, French, the Nordic languages and others
// ("Re:", "RE[2]:", "AW:", "Antw:", "R:", "RIF:", "Fwd:", "WG:", "I:",
// "Doorst:", "TR:", "SV:", "VS:"), or one leading [tag].
var replyPrefix = regexp.MustCompile(`(?i)^\s*(?:(?:re|aw|antw|antwort|r|rif|fw|fwd|wg|i|doorst|tr|sv|vs|ref|odp|ynt)\s*(?:\[\d+\]|\(\d+\))?\s*[:：]|\[[^\[\]]*\])\s*`)

// severityForm matches "Severity 1 -", "Sev1:", "Severity: 2 –", "Severity 1 "
// at the start.
// The number must stand alone: "Sev 3D printer" names no severity. The short
// "S1" form needs a dash or colon after it, so "S3 bucket full" is no
// severity either.
var severityForm = regexp.MustCompile(`(?i)^(?:sev(?:erity)?\s*:?\s*([1-9])(?:\s*[-–—:]+\s*|\s+|$)|s([1-9])\s*[-–—:]+\s*)`)

// trailingTags matches [tags] at the end of a subject ("... [EXTERNAL]").
var trailingTags = regexp.MustCompile(`(?:\s*\[[^\[\]]*\])+\s*$`)

// separators are trimmed from the ends of the client and summary parts.
const separators = " \t-–—:"

// partSep separates the client from the issue: a dash with space around it.
var partSep = regexp.MustCompile(`\s+[-–—]+\s+`)

// quotedClient matches a leading quoted client name: "Client name" unable to …
var quotedClient = regexp.MustCompile(`^["“”]([^"“”]+)["“”]\s*(.*)$`)

// StripPrefixes removes every leading reply/forward marker and [tag].
func StripPrefixes(s string) string {
	for {
		loc := replyPrefix.FindStringIndex(s)
		if loc == nil || loc[1] == 0 {
			return strings.TrimSpace(s)
		}
		s = s[loc[1]:]
	}
}

// ParseSubject reads the subject grammar. A subject that does not follow the
// severity form yields Severity 0 and the cleaned subject as Summary.
func ParseSubject(s string) Subject {
	clean := StripPrefixes(s)
	if t := trailingTags.ReplaceAllString(clean, ""); t != "" {
		clean = t
	}
	m := severityForm.FindStringSubmatchIndex(clean)
	if m == nil {
		return Subject{Summary: clean}
	}
	var digit string
	if m[2] >= 0 {
		digit = clean[m[2]:m[3]]
	} else {
		digit = clean[m[4]:m[5]]
	}
	sev, _ := strconv.Atoi(digit)
	rest := strings.TrimSpace(clean[m[1]:])
	out := Subject{Severity: sev, Summary: rest}
	if q := quotedClient.FindStringSubmatch(rest); q != nil {
		out.Client, out.Summary = strings.TrimSpace(q[1]), strings.TrimSpace(q[2])
	} else if parts := partSep.Split(rest, 2); len(parts) == 2 {
		out.Client, out.Summary = strings.TrimSpace(parts[0]), strings.TrimSpace(parts[1])
	}
	out.Client = strings.Trim(out.Client, separators)
	out.Summary = strings.Trim(out.Summary, separators)
	if out.Summary == "" {
		out.Summary, out.Client = out.Client, ""
	}
	return out
}
