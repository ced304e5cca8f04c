package parser

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file recognises attribution lines, the line(s) a mail client writes
// above the history it quotes: "On <date>, <name> wrote:" and its
// translations. headerblock.go recognises Outlook's header blocks, separator
// lines and forward markers. Each test looks at lines only; reply.go and
// forward.go decide what a match cuts.

// maxHeaderLen bounds the text an attribution may span: real ones are short,
// and the bound keeps the regular expressions off megabyte-long lines.
const maxHeaderLen = 400

// isBlank reports a line holding only white space.
func isBlank(s string) bool { return strings.TrimSpace(s) == "" }

// isQuoted reports a line quoted with ">" (RFC 3676 section 4.5; clients also
// indent it).
func isQuoted(s string) bool { return strings.HasPrefix(strings.TrimLeft(s, " \t"), ">") }

// isBracketRemnant reports a line such as ">:" that is the end of a wrapped
// "<address\n>:" attribution, not a quoted line.
func isBracketRemnant(s string) bool {
	t := strings.TrimSpace(s)
	return t == ">:" || t == ">>:" || t == "> :"
}

// headerText normalises one or more joined lines for matching: trimmed, with
// no-break spaces (French puts one before a colon) as spaces, and without the
// dashes Zoho puts around its attribution or the stars of a bold-to-text
// conversion.
func headerText(s string) string { return strings.Trim(plainSpaces(s), " \t\r-*_") }

var nbsp = strings.NewReplacer("\u00a0", " ", "\u202f", " ", "\u2007", " ")

// plainSpaces turns no-break spaces into spaces.
func plainSpaces(s string) string {
	if !strings.ContainsAny(s, "\u00a0\u202f\u2007") {
		return s
	}
	return nbsp.Replace(s)
}

// Attributions that start with a fixed word. The date, name and address vary;
// the text must also hold a digit or an "@" (see hasEvidence).
var startAttributions = []*regexp.Regexp{
	regexp.MustCompile(`(?i)^on\s.+\bwrote\s*:?$`),                                                // en: On <date>, <name> wrote:
	regexp.MustCompile(`(?i)^am\s.+\bschrieb\b.*:$`),                                              // de: Am <date> schrieb <name>:
	regexp.MustCompile(`(?i)^(?:il|in data)\s.+\bscritto\s*:?$`),                                  // it: Il giorno <date> <name> ha scritto:
	regexp.MustCompile(`(?i)^op\s.+\b(?:schreef\b.*|het volgende geschreven\s*):$`),               // nl: Op <date> schreef <name>: / Apple: ... heeft <name> het volgende geschreven:
	regexp.MustCompile(`(?i)^le\s.+\sa\s+écrit\s*:?$`),                                            // fr: Le <date>, <name> a écrit :
	regexp.MustCompile(`(?i)^el\s.+\sescribió\s*:?$`),                                             // es: El <date>, <name> escribió:
	regexp.MustCompile(`(?i)^em\s.+\sescreveu\s*:?$`),                                             // pt: Em <date>, <name> escreveu:
	regexp.MustCompile(`(?i)^(?:w dniu|dnia)\s.+\s(?:napisał|napisała|napisał\(a\)|pisze)\s*:?$`), // pl
	regexp.MustCompile(`(?i)^den\s.+\sskrev\b.*:$`),                                               // da/no/sv: Den <date> skrev <name>:
}

// endPattern is an attribution recognised by how it ends; where it starts
// is found by attributionEndingAt.
type endPattern struct {
	re          *regexp.Regexp
	needAddress bool // says too little without an e-mail address ("As Bob wrote:" is prose)
	weak        bool // no verb: needs a date or time too, and is attrWeak
}

var endAttributions = []endPattern{
	{re: regexp.MustCompile(`(?i)^.+\sschrieb am\s.+:$`)},                                                    // de: <name> schrieb am <date>:
	{re: regexp.MustCompile(`(?i)^.+\sschreef op\s.+:$`)},                                                    // nl: <name> schreef op <date>:
	{re: regexp.MustCompile(`(?i)^.+\sskrev(?:\s.*)?:$`)},                                                    // da/no/sv: <date> skrev <name>:
	{re: regexp.MustCompile(`(?i)^.+\skirjoitti\s*:?$`)},                                                     // fi
	{re: regexp.MustCompile(`(?i)^.+\s(?:написал|написала|написал\(а\)|пишет)\s*:?$`)},                       // ru
	{re: regexp.MustCompile(`(?i)^.+\s(?:írta|írtad)\s*:$`)},                                                 // hu
	{re: regexp.MustCompile(`(?i)^.+\s(?:wrote|schrieb|schreef|a écrit|escribió)\s*:?$`), needAddress: true}, // <name> <address> wrote:
	// Any language: "<date> <name> <address>:" as Gmail and Yandex write it.
	{re: regexp.MustCompile(`[<(\[]\s*(?:mailto:)?[^<>()\[\]\s]+@[^<>()\[\]\s]+\s*[>)\]]+\s*:$`), needAddress: true, weak: true},
}

var (
	digitTime = regexp.MustCompile(`\d{1,2}[:.]\d{2}`)
	digitDate = regexp.MustCompile(`\d{1,4}[./-]\d{1,2}[./-]\d{1,4}|(?:19|20)\d{2}`)
	// A line that ends with a colon after a date or time, directly above a
	// quote: "2013.02.08. 7:31 keltezéssel, "Eszter" írta:".
	loneAttribution = regexp.MustCompile(`^.{8,}:$`)
)

// hasEvidence reports what every attribution holds: a digit of its date or
// the "@" of an address.
func hasEvidence(s string) bool { return strings.ContainsAny(s, "0123456789@") }

// attributionVerbs are the words an attribution may end with when its colon
// is missing.
var attributionVerbs = []string{"wrote", "scritto", "écrit", "escribió", "escreveu", "napisał", "napisała", "napisał(a)",
	"pisze", "kirjoitti", "написал", "написала", "написал(а)", "пишет"}

// mayBeAttribution is a cheap test every attribution passes: evidence, and
// a colon or one of attributionVerbs at the end.
func mayBeAttribution(t string) bool {
	if !hasEvidence(t) {
		return false
	}
	if strings.HasSuffix(t, ":") {
		return true
	}
	tail := t[max(0, len(t)-24):]
	for _, v := range attributionVerbs {
		if len(tail) >= len(v) && strings.EqualFold(tail[len(tail)-len(v):], v) {
			return true
		}
	}
	return false
}

func hasDateOrTime(s string) bool { return digitTime.MatchString(s) || digitDate.MatchString(s) }

// attributionAt reports how many lines (1 to 3) starting at lines[i] form an
// attribution that begins with a fixed word, or 0. A trailing ">:" line left
// by a wrapped address belongs to it.
func attributionAt(lines []string, i, end int) int {
	if i >= end || isBlank(lines[i]) || isQuoted(lines[i]) {
		return 0
	}
	joined := ""
	for n := 1; n <= 3 && i+n <= end; n++ {
		l := lines[i+n-1]
		if len(l) > maxHeaderLen || isBlank(l) || (isQuoted(l) && !isBracketRemnant(l)) {
			return 0
		}
		joined = strings.TrimSpace(joined + " " + strings.TrimSpace(l))
		if len(joined) > maxHeaderLen {
			return 0
		}
		t := headerText(joined)
		if !mayBeAttribution(t) {
			continue
		}
		for _, re := range startAttributions {
			if re.MatchString(t) {
				return n
			}
		}
	}
	return 0
}

// Strength of an attribution found by attributionEndingAt.
const (
	attrNone   = iota
	attrLone   // "<date or time> ...:" with no address or verb: only directly above a quote
	attrWeak   // "<date> <name> <address>:" with no verb
	attrStrong // a verb: "wrote", "schrieb", "kirjoitti", "написал" ...
)

// attributionEndingAt reports the first line of an attribution in
// lines[start:end] whose last line is lines[j] (or lines[j+1] when that is a
// ">:" remnant), the line after it and how strong the match is (attrNone for
// none). Up to two lines above j join it while they look wrapped (see
// joinsAbove); the longest joined text
// that matches wins, so that "<date> <name> <" above "address> wrote:" is
// not left behind. lone also accepts a bare "<date or time> ...:" line,
// which is only safe directly above a quote.
func attributionEndingAt(lines []string, j, start, end int, lone bool) (first, after, strength int) {
	if j < start || j >= end || len(lines[j]) > maxHeaderLen || isBlank(lines[j]) || isQuoted(lines[j]) {
		return 0, 0, attrNone
	}
	after = j + 1
	tail := strings.TrimSpace(lines[j])
	if after < end && isBracketRemnant(lines[after]) {
		tail += " " + strings.TrimSpace(lines[after])
		after++
	}
	top := j
	for top-1 >= start && j-top < 2 && joinsAbove(lines[top-1], lines[top]) {
		top--
	}
	for first = top; first <= j; first++ {
		text := tail
		for k := j - 1; k >= first; k-- {
			text = strings.TrimSpace(lines[k]) + " " + text
		}
		if len(text) > maxHeaderLen {
			continue
		}
		if st := matchEnd(headerText(text), lone); st != attrNone {
			return first, after, st
		}
	}
	return 0, 0, attrNone
}

func matchEnd(t string, lone bool) int {
	if !mayBeAttribution(t) {
		return attrNone
	}
	for _, p := range endAttributions {
		if p.needAddress && !strings.Contains(t, "@") || p.weak && !hasDateOrTime(t) || !p.re.MatchString(t) {
			continue
		}
		if p.weak {
			return attrWeak
		}
		return attrStrong
	}
	if lone && loneAttribution.MatchString(t) && hasDateOrTime(t) {
		return attrLone
	}
	return attrNone
}

// joinsAbove reports whether the line upper looks wrapped onto lower: upper
// ends in "<", "(", "[", "," or a quote mark, or lower starts with a bracket
// or a lower-case letter; an upper line that ends a sentence never joins.
func joinsAbove(upper, lower string) bool {
	u, l := strings.TrimSpace(upper), strings.TrimSpace(lower)
	if u == "" || isQuoted(upper) {
		return false
	}
	switch u[len(u)-1] {
	case '.', '!', '?':
		return false
	case '<', '(', ',', '"', '[':
		return true
	}
	r, _ := utf8.DecodeRuneInString(l)
	return r == '<' || r == '(' || r == '[' || unicode.IsLower(r)
}
