package parser

import "strings"

// ReplyMarker is the line our notifications put above the quoted history;
// everything from it down is cut first.
const ReplyMarker = "##- Please type your reply above this line -##"

// Reply is a mail body split into what its sender wrote now and what they
// quoted. Where a rule is in doubt it keeps more text in NewText, not less;
// the whole body is kept elsewhere in any case.
type Reply struct {
	// NewText is the sender's own new text, trimmed; never empty when the
	// input has a line that is neither blank nor quoted with ">".
	NewText string `json:"new_text"`
	// Signature is the signature block cut from the end of the new text,
	// trimmed; "" if none. It starts at an RFC 3676 "-- " delimiter (or
	// "--", or a rule of underscores), at a mobile client's line such as
	// "Sent from my iPhone", "Von meinem iPhone gesendet", "Inviato da
	// iPhone", "Verzonden vanaf mijn iPhone", "Envoyé de mon iPhone" or "Get
	// Outlook for iOS" (down to the next blank line: what follows is the
	// history its client appended, and goes to Quoted), or at a closing
	// formula such as "Regards," or "Mit freundlichen Grüßen" followed by a
	// few short lines only. NewText and Signature together are the text
	// above the quote.
	Signature string `json:"signature"`
	// Quoted is what was cut: the quote header, quoted lines and history
	// below the new text, and the quote a bottom-posted reply answers above
	// it; pieces in input order, each trimmed, joined by "\n".
	Quoted string `json:"quoted"`
}

// replySpans is where ExtractReply cut, as line ranges of the input split at
// "\n": lines[newFrom:newTo] is the new text and lines[sigFrom:sigTo] the
// signature (sigFrom == sigTo when there is none); every other line is quoted.
type replySpans struct {
	lines          []string
	newFrom, newTo int
	sigFrom, sigTo int
}

// ExtractReply splits a plain-text body ("\n" line ends) into new text,
// signature and quoted history. In order:
//
//  1. A line holding ReplyMarker ends the reply, when own text stands above
//     it (a bottom-posted reply quotes the marker at its top instead).
//  2. The first quoted mail below the new text is cut with all that follows:
//     a forward marker, "-----Original Message-----" (and its translations),
//     a From:/Sent:/To:/Subject: block in the languages of quoteheader.go
//     (with a rule line of underscores or dashes above it, as Outlook web
//     and mobile write it), or an attribution line such as "On <date>,
//     <name> wrote:", "Am <date> schrieb <name>:", "Il giorno <date> <name>
//     ha scritto:", "Op <date> schreef <name>:", "Le <date>, <name> a
//     écrit :" or "El <date>, <name> escribió:", wrapped over up to 3 lines.
//     An attribution whose ">" quote is followed by more own text starts an
//     interleaved reply and cuts nothing.
//  3. Quoted lines (RFC 3676 section 4.5) after the last own line are cut,
//     with the attribution right above them.
//  4. A bottom-posted reply, one quote (with its attribution) and then own
//     text with no further quote, loses that leading quote. Interleaved
//     replies keep everything from the top down to their last own line: the
//     quotes between the answers are what the answers refer to.
//  5. A signature (signature.go) is cut from the end of the new text.
//
// If the rules leave no new text although the input has some unquoted text,
// NewText is all the text above the ReplyMarker and nothing is cut but that.
func ExtractReply(text string) Reply { return splitReply(text).reply() }

func splitReply(text string) replySpans {
	lines := strings.Split(text, "\n")
	end := markerLine(lines)
	cut := trailingQuote(lines, quoteStart(lines, end))
	from := leadingQuote(lines, cut)
	s := replySpans{lines: lines, newFrom: from, newTo: cut, sigFrom: cut, sigTo: cut}
	if a, b, ok := findSignature(lines, from, cut); ok {
		s.newTo, s.sigFrom, s.sigTo = a, a, b
		// A quote between the last answer and the signature is not new text.
		if last := lastOwn(lines, from, a); last >= 0 && hasQuoted(lines, last+1, a) {
			s.newTo = last + 1
		}
	}
	if !hasText(lines, s.newFrom, s.newTo) && hasOwn(lines, 0, end) {
		s = replySpans{lines: lines, newTo: end, sigFrom: end, sigTo: end}
	}
	return s
}

func (s replySpans) reply() Reply {
	r := Reply{
		NewText:   strings.TrimSpace(strings.Join(s.lines[s.newFrom:s.newTo], "\n")),
		Signature: strings.TrimSpace(strings.Join(s.lines[s.sigFrom:s.sigTo], "\n")),
	}
	var quoted []string
	for _, part := range [][]string{s.lines[:s.newFrom], s.lines[s.newTo:s.sigFrom], s.lines[s.sigTo:]} {
		if t := strings.TrimSpace(strings.Join(part, "\n")); t != "" {
			quoted = append(quoted, t)
		}
	}
	r.Quoted = strings.Join(quoted, "\n")
	return r
}

// markerLine returns the line holding ReplyMarker below own text, or
// len(lines).
func markerLine(lines []string) int {
	own := false
	for i, l := range lines {
		if own && strings.Contains(l, ReplyMarker) {
			return i
		}
		own = own || (!isBlank(l) && !isQuoted(l))
	}
	return len(lines)
}

// quoteStart returns the first line of the quoted mail that ends the new
// text in lines[:end] (rule 2 of ExtractReply), or end.
func quoteStart(lines []string, end int) int {
	for i := 0; i < end; i++ {
		if isBlank(lines[i]) || isQuoted(lines[i]) {
			continue
		}
		if _, _, ok := mailStartAt(lines, i, end); ok {
			return i
		}
		first, after, strength := i, i+attributionAt(lines, i, end), attrStrong
		if after == i {
			first, after, strength = attributionEndingAt(lines, i, 0, end, false)
			if strength == attrNone {
				continue
			}
		}
		next, quoted, interleaved := afterAttribution(lines, after, end)
		switch {
		case interleaved:
			i = next - 1
		case quoted || strength == attrStrong || standsAlone(lines, first, after, end):
			return first
		}
	}
	return end
}

// standsAlone reports an attribution between blank lines (or the text's
// ends), as a client writes it; a weak one ("<date> <name> <address>:")
// inside a paragraph is more likely the sender's own sentence.
func standsAlone(lines []string, first, after, end int) bool {
	return (first == 0 || isBlank(lines[first-1])) && (after >= end || isBlank(lines[after]))
}

// afterAttribution looks below an attribution ending before lines[after].
// quoted tells whether a ">" quote follows it; interleaved whether own text
// follows that quote, in which case next is that text's first line. Text
// that starts a signature or another quoted mail is not own text.
func afterAttribution(lines []string, after, end int) (next int, quoted, interleaved bool) {
	k := skipBlank(lines, after, end)
	if k >= end || !isQuoted(lines[k]) {
		return 0, false, false
	}
	m := skipBlank(lines, quoteBlockEnd(lines, k, end), end)
	if m >= end {
		return 0, true, false
	}
	l := lines[m]
	if isSigDelimiter(l) || isMobileLine(l) || attributionAt(lines, m, end) > 0 {
		return 0, true, false
	}
	if _, _, ok := mailStartAt(lines, m, end); ok {
		return 0, true, false
	}
	return m, true, true
}

// quoteBlockEnd returns the first line at or after k that ends the ">" quote
// starting at lines[k]: not quoted, not blank, and not a line a client
// wrapped out of the quote (an unquoted line between two quoted ones).
func quoteBlockEnd(lines []string, k, end int) int {
	j := k
	for ; j < end; j++ {
		l := lines[j]
		if isBlank(l) || isQuoted(l) {
			continue
		}
		if j > k && j+1 < end && isQuoted(lines[j-1]) && isQuoted(lines[j+1]) &&
			strings.TrimLeft(lines[j-1], "> \t") != "" {
			continue
		}
		break
	}
	return j
}

// trailingQuote returns where the new text in lines[:cut] ends once quoted
// lines after its last own line are cut, with the attribution right above
// them (rule 3).
func trailingQuote(lines []string, cut int) int {
	last := lastOwn(lines, 0, cut)
	if last < 0 {
		return 0
	}
	if !hasQuoted(lines, last+1, cut) {
		return cut
	}
	if first, ok := attributionEndsAt(lines, last, 0, cut); ok {
		return first
	}
	return last + 1
}

// attributionEndsAt reports an attribution in lines[start:end] whose last
// unquoted line is lines[j], and its first line.
func attributionEndsAt(lines []string, j, start, end int) (int, bool) {
	for s := j; s >= start && s >= j-2; s-- {
		if n := attributionAt(lines, s, end); n > 0 && (s+n == j+1 || (s+n == j+2 && isBracketRemnant(lines[j+1]))) {
			return s, true
		}
	}
	if first, _, strength := attributionEndingAt(lines, j, start, end, true); strength != attrNone {
		return first, true
	}
	return 0, false
}

// leadingQuote returns the first line of the new text in lines[:cut]: 0, or
// for a bottom-posted reply the line after the quote it answers (rule 4).
func leadingQuote(lines []string, cut int) int {
	f := skipBlank(lines, 0, cut)
	if f >= cut {
		return 0
	}
	j := f
	if !isQuoted(lines[f]) {
		after := f + attributionAt(lines, f, cut)
		if after == f {
			for e := f; e < f+3 && e < cut && after == f; e++ {
				if first, a, strength := attributionEndingAt(lines, e, f, cut, true); strength != attrNone && first == f {
					after = a
				}
			}
		}
		if after == f {
			return 0
		}
		if j = skipBlank(lines, after, cut); j >= cut || !isQuoted(lines[j]) {
			return 0
		}
	}
	j = quoteBlockEnd(lines, j, cut)
	if j >= cut || hasQuoted(lines, j, cut) {
		return 0
	}
	return j
}

func skipBlank(lines []string, i, end int) int {
	for i < end && isBlank(lines[i]) {
		i++
	}
	return i
}

// lastOwn returns the last line in lines[from:to] that is neither blank nor
// quoted, or -1.
func lastOwn(lines []string, from, to int) int {
	for i := to - 1; i >= from; i-- {
		if !isBlank(lines[i]) && !isQuoted(lines[i]) {
			return i
		}
	}
	return -1
}

func hasOwn(lines []string, from, to int) bool { return lastOwn(lines, from, to) >= 0 }

func hasQuoted(lines []string, from, to int) bool {
	for _, l := range lines[from:to] {
		if isQuoted(l) {
			return true
		}
	}
	return false
}

func hasText(lines []string, from, to int) bool {
	for _, l := range lines[from:to] {
		if !isBlank(l) {
			return true
		}
	}
	return false
}
