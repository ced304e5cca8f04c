package parser

import (
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"unicode"
	"unicode/utf8"
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
	// either end, the desk's reference tags (ParseSubjectFor) and the
	// severity and client parts. A subject that names a severity and
	// nothing else keeps it all as Summary ("Severity 1").
	Summary string `json:"summary"`
	// Ref is the first reference of the desk the subject names, as
	// "PREFIX-N" with the desk's prefix; "" when none or the prefix is
	// not known.
	Ref string `json:"ref,omitempty"`
}

// replyPrefix matches one reply or forward marker as mail clients write them
// in English, German, Dutch, Italian, French, the Nordic languages and others
// ("Re:", "RE[2]:", "AW:", "Antw:", "R:", "RIF:", "Fwd:", "WG:", "I:",
// "Doorst:", "TR:", "SV:", "VS:"), or one leading [tag].
var replyPrefix = regexp.MustCompile(`(?i)^\s*(?:(?:re|aw|antw|antwort|r|rif|fw|fwd|wg|i|doorst|tr|sv|vs|ref|odp|ynt)\s*(?:\[\d+\]|\(\d+\))?\s*[:：]|\[[^\[\]]*\])\s*`)

// severityForm matches "Severity 1 -", "Sev1:", "Severity: 2 –",
// "Severity-1 -", "Severity 1 " at the start.
// The number must stand alone: "Sev 3D printer" names no severity. The short
// "S1" form needs a dash or colon after it, so "S3 bucket full" is no
// severity either.
var severityForm = regexp.MustCompile(`(?i)^(?:sev(?:erity)?\s*[:-]?\s*([1-9])(?:\s*[-–—:]+\s*|\s+|$)|s([1-9])\s*[-–—:]+\s*)`)

// severityTag matches a [tag] that names only a severity: "[Sev1]",
// "[Severity 2]", "[SEV-2]", "[Sev: 3]". A bare "[S3]" is no severity, as
// "S3 bucket full" is none: it names Amazon S3 as often as a severity.
var severityTag = regexp.MustCompile(`(?i)^\[\s*sev(?:erity)?\s*[:-]?\s*([1-9])\s*\]$`)

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

// ParseSubject reads the subject grammar without knowing the desk: a
// reference is stripped only as a [tag] at either end, since a bare
// "COVID-19" or "(ISO-9001)" may be the subject's own words. A subject that
// does not follow the severity form yields Severity 0 and the cleaned
// subject as Summary.
func ParseSubject(s string) Subject { return ParseSubjectFor(s, "") }

// ParseSubjectFor is ParseSubject for a desk whose references are
// "prefix-N" (threading.NewMatcher): every reference of the desk as
// RefFinder.Find reads them ("[TKT-12]", "(TKT-12)", a bare "TKT-12", prefix
// in any case) is cut from the subject wherever it stands before the grammar
// is read, and the first is kept in Ref. With prefix "" it is ParseSubject.
func ParseSubjectFor(s, prefix string) Subject {
	ref, cut := "", false
	if prefix != "" {
		s, ref, cut = cutRefs(s, prefix)
	}
	out := parseSubject(s, cut)
	out.Ref = ref
	return out
}

// parseSubject reads the grammar; cut says references were cut from s,
// which leaves separators and space behind to tidy.
func parseSubject(s string, cut bool) Subject {
	clean, tagSev := stripPrefixes(s)
	if cut {
		clean = strings.Trim(collapseSpace(clean), separators)
	}
	if t := trailingTags.ReplaceAllString(clean, ""); t != "" {
		if tagSev == 0 {
			tagSev = trailingSeverity(clean[len(t):])
		}
		clean = t
	}
	m := severityForm.FindStringSubmatchIndex(clean)
	if m == nil {
		// "[Sev1] Acme - x": the severity stood in a tag, the rest is
		// read as the form's client and issue.
		if tagSev != 0 {
			return splitClient(Subject{Severity: tagSev}, clean, clean)
		}
		return Subject{Summary: clean}
	}
	var digit string
	if m[2] >= 0 {
		digit = clean[m[2]:m[3]]
	} else {
		digit = clean[m[4]:m[5]]
	}
	sev, _ := strconv.Atoi(digit)
	return splitClient(Subject{Severity: sev}, strings.TrimSpace(clean[m[1]:]), clean)
}

// splitClient reads rest, what follows the severity, into client and
// summary; whole is the subject to keep as summary when rest is empty.
func splitClient(out Subject, rest, whole string) Subject {
	out.Summary = rest
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
	if out.Summary == "" {
		// "Severity 1 -": nothing but the severity; the subject itself is
		// the best title there is.
		out.Summary = strings.TrimRight(whole, separators)
	}
	return out
}

// stripPrefixes is StripPrefixes that also reads a severity from a leading
// [tag] ("[Sev1]") before dropping it.
func stripPrefixes(s string) (string, int) {
	sev := 0
	for {
		loc := replyPrefix.FindStringIndex(s)
		if loc == nil || loc[1] == 0 {
			return strings.TrimSpace(s), sev
		}
		if m := severityTag.FindStringSubmatch(strings.TrimSpace(s[loc[0]:loc[1]])); m != nil && sev == 0 {
			sev = int(m[1][0] - '0')
		}
		s = s[loc[1]:]
	}
}

// trailingSeverity reads a severity from [tags] at the end ("... [Sev2]").
func trailingSeverity(tags string) int {
	for _, tag := range strings.SplitAfter(tags, "]") {
		if m := severityTag.FindStringSubmatch(strings.TrimSpace(tag)); m != nil {
			return int(m[1][0] - '0')
		}
	}
	return 0
}

// cutRefs replaces every reference of the desk in s (RefFinder.Find), with
// the brackets or parentheses right around it, by a space. It returns the
// rest, the first reference as "prefix-N", and whether any was cut.
func cutRefs(s, prefix string) (rest, ref string, cut bool) {
	var b strings.Builder
	last := 0
	for _, r := range refFinder(prefix).Find(s) {
		from, to := r.Start, r.End
		if ref == "" {
			ref = prefix + "-" + strconv.FormatInt(r.Number, 10)
		}
		// Take the brackets around it: "[TKT-12]", "( TKT-12 )".
		before := strings.TrimRight(s[last:from], " \t")
		after := strings.TrimLeft(s[to:], " \t")
		if before != "" && after != "" {
			open, close := before[len(before)-1], after[0]
			if open == '[' && close == ']' || open == '(' && close == ')' {
				from = last + len(before) - 1
				to = len(s) - len(after) + 1
			}
		}
		b.WriteString(s[last:from])
		b.WriteString(" ")
		last, cut = to, true
	}
	if !cut {
		return s, "", false
	}
	b.WriteString(s[last:])
	return b.String(), ref, true
}

// SubjectRef is one reference of a desk found in a subject: s[Start:End] is
// "prefix-N" as written, Number is N.
type SubjectRef struct {
	Start, End int
	Number     int64
}

// RefFinder finds the references "PREFIX-N" of one desk in a subject. It is
// the one reading of a subject's references: ParseSubjectFor cuts what it
// finds, threading.Matcher.SubjectRefs resolves tickets by it.
type RefFinder struct {
	prefix string
	re     *regexp.Regexp // nil for prefix ""
}

// NewRefFinder returns a RefFinder for references "prefix-N", the prefix
// matched without regard to case. With prefix "" it finds nothing.
func NewRefFinder(prefix string) *RefFinder {
	f := &RefFinder{prefix: prefix}
	if prefix != "" {
		// The greedy digit run ends where the number ends (TKT-1 is not
		// TKT-12); what stands around it is checked in Find.
		f.re = regexp.MustCompile(`(?i)` + regexp.QuoteMeta(prefix) + `-(\d+)`)
	}
	return f
}

// Find returns the references in s, in order, repeats included. A
// reference is the prefix (any case), "-" and 1 to 18 ASCII digits naming a
// number above 0 (leading zeros allowed: "TKT-007" is 7), standing alone:
//   - the character before it is no letter, digit or combining mark, so
//     "XTKT-1", "1TKT-1" and "éTKT-1" name nothing;
//   - the character after it is no digit or combining mark of any script,
//     and no letter of an alphabet written with spaces between words
//     (Latin, Greek, Cyrillic): "TKT-12a" or "TKT-12x" is another code (a
//     part, a revision), not ticket 12, and guessing it is would put the
//     mail on a ticket it is not about. Letters of the scripts that write a
//     particle right after a noun may follow: "TKT-12の件" and "TKT-12번"
//     name TKT-12.
//
// Punctuation and space around it are free: "[TKT-12]", "(TKT-12)",
// "TKT-12:", "AW:TKT-12", "TKT-1/TKT-2".
func (f *RefFinder) Find(s string) []SubjectRef {
	if f.re == nil {
		return nil
	}
	var out []SubjectRef
	for _, loc := range f.re.FindAllStringSubmatchIndex(s, -1) {
		if r, _ := utf8.DecodeLastRuneInString(s[:loc[0]]); loc[0] > 0 &&
			(unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)) {
			continue
		}
		if r, _ := utf8.DecodeRuneInString(s[loc[1]:]); unicode.IsDigit(r) || unicode.IsMark(r) ||
			unicode.In(r, unicode.Latin, unicode.Greek, unicode.Cyrillic) {
			continue
		}
		digits := s[loc[2]:loc[3]]
		if len(digits) > 18 {
			continue
		}
		if n, err := strconv.ParseInt(digits, 10, 64); err == nil && n > 0 {
			out = append(out, SubjectRef{Start: loc[0], End: loc[1], Number: n})
		}
	}
	return out
}

// lastFinder holds the RefFinder of the last prefix ParseSubjectFor was
// given: a desk has one prefix, so one entry is all the cache there is.
var lastFinder atomic.Pointer[RefFinder]

// refFinder is the RefFinder for prefix, compiled once while the prefix
// stays the same.
func refFinder(prefix string) *RefFinder {
	if f := lastFinder.Load(); f != nil && f.prefix == prefix {
		return f
	}
	f := NewRefFinder(prefix)
	lastFinder.Store(f)
	return f
}
