package parser

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Signatures. A signature starts at one of:
//   - the delimiter "-- " alone on a line (RFC 3676 section 4.3), also
//     without its space, as editors often trim it, or a line of underscores
//     (mailing-list footers, some clients);
//   - a mobile client's line such as "Sent from my iPhone", "Von meinem
//     iPhone gesendet", "Inviato da iPhone", "Verzonden vanaf mijn iPhone",
//     "Envoyé de mon iPhone" or "Get Outlook for iOS", standing after a
//     blank line;
//   - a closing formula alone on its line after a blank line ("Regards,",
//     "Cheers 🎉" with the emoji after it,
//     "Mit freundlichen Grüßen", "Cordiali saluti", "Met vriendelijke groet",
//     "Cordialement", "Saludos") followed only by a few short lines (name,
//     role, company, phone) and no P.S.
//
// A closing starts the signature because what follows it says who the
// sender is, not what they write (crisp's corpus expects the same); the block
// is returned, not lost. "Thanks," is not a closing here: it is as often the
// whole message.

// mobileLine matches a whole line written by a mobile client, with an
// optional link after it. The device part holds no sentence punctuation, so
// "Sent from my desk, is much easier" is prose.
var mobileLine = []*regexp.Regexp{
	regexp.MustCompile(`(?i)^(?:sent (?:from|with|via|using)|get outlook for|gesendet (?:von|mit|vom)|inviato da(?:l mio)?|verzonden (?:vanaf|met|van)|verstuurd (?:vanaf|met|van)|envoyé (?:de|depuis|à partir de|avec)|télécharger outlook pour|enviado (?:desde|de|con|do)|obtener outlook para|sendt fra|skickat från|lähetetty)\s+[^,.;:!?<>()\[\]]{1,60}?(?:\s*[<(\[][^<>()\[\]]*[>)\]])?\s*\.?$`),
	regexp.MustCompile(`(?i)^von meinem [^,.;:!?]{1,50} gesendet\.?$`),
}

// closingLine matches a closing formula alone on its line.
var closingLine = regexp.MustCompile(`(?i)^(?:(?:best|kind|warm|warmest|many|with best|with kind|best kind)\s+regards|regards|best wishes|cheers|sincerely|yours sincerely|yours truly|(?:mit )?freundlichen? gr(?:ü|ue|u)(?:ß|ss)en|(?:viele|beste|liebe|herzliche|freundliche) gr(?:ü|ue|u)(?:ß|ss)e|mfg|cordiali saluti|distinti saluti|saluti|un saluto|(?:met )?vriendelijke groet(?:en)?|hartelijke groet(?:en)?|groeten|(?:bien )?cordialement|bien à vous|(?:meilleures )?salutations|saludos(?: cordiales)?|un saludo|atentamente)\s*[,.!]?$`)

const (
	maxSignatureLineLen = 100 // runes in a line of a closing's block
	maxClosingLines     = 8   // non-blank lines after a closing
)

// isSigDelimiter reports "-- " (RFC 3676 section 4.3), "--" or a rule of
// underscores alone on a line.
func isSigDelimiter(s string) bool {
	t := strings.TrimRight(s, " \t\r")
	if t == "--" {
		return true
	}
	t = strings.TrimSpace(t)
	return len(t) >= 2 && strings.Trim(t, "_") == ""
}

func isMobileLine(s string) bool {
	t := strings.TrimSpace(s)
	if len(t) > 200 {
		return false
	}
	for _, re := range mobileLine {
		if re.MatchString(t) {
			return true
		}
	}
	return false
}

// trimSymbols trims white space and the emoji and other symbols people put
// after a closing ("Cheers 🎉", "Thanks 🙏") from the ends of a line.
func trimSymbols(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.Is(unicode.So, r) || unicode.Is(unicode.Sk, r) ||
			r == '\u200d' || r == '\ufe0f'
	})
}

// isClosing reports a closing formula at lines[i] that starts a signature
// block ending at end: a blank line above it, and below it at most
// maxClosingLines short unquoted lines, none a P.S.
func isClosing(lines []string, i, end int) bool {
	if i == 0 || !isBlank(lines[i-1]) || len(lines[i]) > 80 || !closingLine.MatchString(trimSymbols(lines[i])) {
		return false
	}
	n := 0
	for _, l := range lines[i+1 : end] {
		if isBlank(l) {
			continue
		}
		t := strings.ToUpper(strings.TrimSpace(l))
		if isQuoted(l) || utf8.RuneCountInString(l) > maxSignatureLineLen ||
			strings.HasPrefix(t, "P.S") || strings.HasPrefix(t, "PS:") || strings.HasPrefix(t, "PPS") {
			return false
		}
		if n++; n > maxClosingLines {
			return false
		}
	}
	return true
}

// findSignature returns the first line in lines[from:end] that starts a
// signature with own text above it (from from on), and the line after the
// signature; ok is false when there is none. A mobile line's signature ends
// at the next blank line: what follows is the history its client appended.
func findSignature(lines []string, from, end int) (sigFrom, sigTo int, ok bool) {
	own := false
	for i := from; i < end; i++ {
		l := lines[i]
		if isBlank(l) || isQuoted(l) {
			continue
		}
		if own {
			switch {
			case isSigDelimiter(l), isClosing(lines, i, end):
				return i, end, true
			case isMobileLine(l) && isBlank(lines[i-1]):
				j := i + 1
				for j < end && !isBlank(lines[j]) {
					j++
				}
				return i, j, true
			}
		}
		own = true
	}
	return 0, 0, false
}
