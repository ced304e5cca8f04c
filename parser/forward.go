package parser

import "strings"

// Forwarded is one mail embedded in a forwarded body or an Outlook trail:
// the header fields its client printed above it (as printed, "" when
// absent; Outlook's Sent is the Date) and its text.
type Forwarded struct {
	From    string `json:"from"`
	Date    string `json:"date"`
	Subject string `json:"subject"`
	Text    string `json:"text"`
}

// maxForwardDepth bounds how many ">" levels SplitForward takes off nested
// Apple Mail forwards.
const maxForwardDepth = 8

// SplitForward splits a forwarded mail body (plain text, "\n" line ends)
// into the forwarder's own summary (the text above the first forwarded block,
// trimmed) and the embedded mails, in order of appearance (a trail's oldest
// mail last). A block starts at a forward marker ("---------- Forwarded
// message ---------", "---------- Weitergeleitete Nachricht ----------",
// "Begin forwarded message:", "Anfang der weitergeleiteten Nachricht:",
// "Inizio messaggio inoltrato:", "Doorgestuurd bericht", ...), at
// "-----Original Message-----" and its translations, or at a From:/Sent:/To:/
// Subject: block in any language quoteheader.go knows (with a rule line above
// it or not): each block is one Forwarded, so an Outlook trail of 20 mails
// gives 20, with From, Date and Subject read from the block's header. An
// Apple Mail forward quoted with ">" is unquoted first. "On <date>, <name>
// wrote:" quotes inside a mail stay in its Text.
//
// When the text holds no forwarded mail, own is text unchanged and trail is
// nil.
func SplitForward(text string) (own string, trail []Forwarded) {
	lines := strings.Split(text, "\n")
	first, trail := splitTrail(lines, 0)
	if len(trail) == 0 {
		return text, nil
	}
	return strings.TrimSpace(strings.Join(lines[:first], "\n")), trail
}

// mailBlock is where one embedded mail starts, where its body starts, and
// the header block read above the body.
type mailBlock struct {
	start, body int
	hb          headerBlock
}

// splitTrail returns the line where the first embedded mail starts
// (len(lines) when none does) and the mails.
func splitTrail(lines []string, depth int) (int, []Forwarded) {
	var blocks []mailBlock
	for i := 0; i < len(lines); {
		if after, hb, ok := mailStartAt(lines, i, len(lines)); ok {
			blocks = append(blocks, mailBlock{start: i, body: after, hb: hb})
			i = after
			continue
		}
		i++
	}
	if len(blocks) == 0 {
		return len(lines), nil
	}
	var trail []Forwarded
	for k, b := range blocks {
		end := len(lines)
		if k+1 < len(blocks) {
			end = blocks[k+1].start
		}
		trail = append(trail, readBlock(lines[b.body:end], b.hb, depth)...)
	}
	return blocks[0].start, trail
}

// readBlock turns the body lines of one block into mails. A body that starts
// with ">" lines (Apple Mail quotes what it forwards) is unquoted and split
// again: it holds the header of the mail and maybe further forwards; unquoted
// text after that quote joins the last mail's text.
func readBlock(body []string, hb headerBlock, depth int) []Forwarded {
	f := Forwarded{From: hb.from, Date: hb.date, Subject: hb.subject}
	k := skipBlank(body, 0, len(body))
	if k == len(body) || !isQuoted(body[k]) || depth >= maxForwardDepth {
		f.Text = strings.TrimSpace(strings.Join(body, "\n"))
		return []Forwarded{f}
	}
	q := quoteBlockEnd(body, k, len(body))
	inner := make([]string, 0, q-k)
	for _, l := range body[k:q] {
		inner = append(inner, unquote(l))
	}
	first, mails := splitTrail(inner, depth+1)
	if lead := strings.TrimSpace(strings.Join(inner[:first], "\n")); lead != "" || len(mails) == 0 {
		f.Text = lead
		mails = append([]Forwarded{f}, mails...)
	} else if f.From != "" || f.Date != "" || f.Subject != "" {
		// The marker had a header of its own; the quoted mails are inside it.
		mails = append([]Forwarded{f}, mails...)
	}
	if rest := strings.TrimSpace(strings.Join(body[q:], "\n")); rest != "" {
		last := &mails[len(mails)-1]
		last.Text = strings.TrimSpace(last.Text + "\n\n" + rest)
	}
	return mails
}

// unquote takes one ">" level (and the space after it) off a line.
func unquote(l string) string {
	t := strings.TrimLeft(l, " \t")
	if !strings.HasPrefix(t, ">") {
		return l // a line a client wrapped out of the quote
	}
	return strings.TrimPrefix(t[1:], " ")
}
