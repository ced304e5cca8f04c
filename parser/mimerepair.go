package parser

import (
	"mime"
	"regexp"
	"strings"

	"github.com/jhillyerd/enmime/v2"
)

// textBody is the text a reader is shown. For a multipart/alternative root it
// is enmime's choice. Otherwise it is every text/plain (or implicit text)
// leaf that is not a file, in the order they stand, separated by a blank
// line (RFC 2046 section 5.1.3: the parts of a multipart/mixed are shown one
// after the other). A leaf that holds boundary delimiter lines of the mail
// (boundaries that are prefixes of each other, or an inner multipart closed
// by an outer delimiter, confuse the MIME reader) is split at them and the
// part headers after each are dropped; repaired is then true. With no text
// leaf, enmime's text (say, derived from the HTML) is kept. A text file
// (a part with a file name, even inline) is an attachment, not text.
func textBody(env *enmime.Envelope, implicit map[*enmime.Part]bool) (text string, repaired bool) {
	root := env.Root
	bounds := boundariesOf(root)
	if root.ContentType == "multipart/alternative" {
		texts, _, rep := splitAtBoundaries(env.Text, bounds, false)
		if !rep {
			return env.Text, false
		}
		return strings.Join(texts, "\n\n"), true
	}
	isFile := map[*enmime.Part]bool{}
	for _, p := range env.Attachments {
		isFile[p] = true
	}
	for _, p := range env.Inlines {
		isFile[p] = true
	}
	var texts, leaves []string
	walkParts(root, func(p *enmime.Part) {
		if p.FirstChild != nil || isFile[p] || p.Disposition == "attachment" || !(implicit[p] || p.ContentType == "text/plain") ||
			strings.TrimSpace(string(p.Content)) == "" {
			return
		}
		leaves = append(leaves, string(p.Content))
		t, _, rep := splitAtBoundaries(string(p.Content), bounds, false)
		repaired = repaired || rep
		texts = append(texts, t...)
	})
	switch {
	case len(leaves) == 0:
		return env.Text, false
	case len(leaves) == 1 && !repaired:
		return leaves[0], false // as written, untrimmed
	}
	return strings.Join(texts, "\n\n"), repaired
}

// boundariesOf lists the boundaries declared anywhere in the MIME tree.
func boundariesOf(root *enmime.Part) []string {
	var out []string
	walkParts(root, func(p *enmime.Part) {
		if p.Boundary != "" {
			out = append(out, p.Boundary)
		}
	})
	return out
}

// declaredBoundary matches a boundary parameter in raw header text.
var declaredBoundary = regexp.MustCompile(`(?i)\bboundary\s*=\s*(?:"([^"\r\n]+)"|([^\s;"]+))`)

// declaredBoundaries lists every boundary parameter written in raw.
func declaredBoundaries(raw []byte) []string {
	var out []string
	for _, m := range declaredBoundary.FindAllSubmatch(raw, -1) {
		out = append(out, string(m[1])+string(m[2]))
	}
	return out
}

// isDelimiter reports whether line is a boundary delimiter or close
// delimiter of one of bounds (RFC 2046 section 5.1.1; white space may follow).
func isDelimiter(line string, bounds []string) bool {
	line = strings.TrimRight(line, " \t\r")
	if !strings.HasPrefix(line, "--") {
		return false
	}
	line = line[2:]
	for _, b := range bounds {
		if line == b || line == b+"--" {
			return true
		}
	}
	return false
}

// splitAtBoundaries cuts s at boundary delimiter lines. The chunk before the
// first delimiter is content unless preamble is set (RFC 2046: a preamble is
// not shown). Every later chunk is a part: its header block is read and
// dropped, and its body kept as text (text/plain or no Content-Type) or HTML
// (text/html); parts of other types, multipart headers included, give
// nothing. Chunks are trimmed; empty ones are left out. found reports whether
// any delimiter was seen.
func splitAtBoundaries(s string, bounds []string, preamble bool) (texts, htmls []string, found bool) {
	lines := strings.Split(s, "\n")
	var chunk []string
	first := true
	flush := func() {
		ctype := "text/plain"
		if !first {
			var hdr []string
			hdr, chunk = partHeader(chunk)
			ctype = headerType(hdr)
		}
		t := strings.TrimSpace(strings.Join(chunk, "\n"))
		switch {
		case t == "" || (first && preamble):
		case ctype == "text/plain":
			texts = append(texts, t)
		case ctype == "text/html":
			htmls = append(htmls, t)
		}
		chunk, first = nil, false
	}
	for _, l := range lines {
		if len(bounds) > 0 && isDelimiter(l, bounds) {
			found = true
			flush()
			continue
		}
		chunk = append(chunk, l)
	}
	flush()
	return texts, htmls, found
}

// partHeaderLine matches a header field or its folded continuation.
var partHeaderLine = regexp.MustCompile(`^(?:[A-Za-z0-9-]+:|[ \t]+\S)`)

// partHeader splits a part into its header lines and its body: the header
// block runs to the first blank line, when every line before it is a header
// field; otherwise the part has no header.
func partHeader(lines []string) (hdr, rest []string) {
	for i, l := range lines {
		l = strings.TrimRight(l, "\r")
		if l == "" {
			return lines[:i], lines[i+1:]
		}
		if !partHeaderLine.MatchString(l) {
			return nil, lines
		}
	}
	return lines, nil // header fields only, no body
}

// headerType is the media type a part header declares, text/plain when none
// (RFC 2045 section 5.2).
func headerType(hdr []string) string {
	for _, l := range hdr {
		name, v, ok := strings.Cut(l, ":")
		if !ok || !strings.EqualFold(strings.TrimSpace(name), "Content-Type") {
			continue
		}
		if mt, _, err := mime.ParseMediaType(strings.TrimSpace(v)); err == nil {
			return mt
		}
		return strings.ToLower(strings.TrimSpace(strings.SplitN(v, ";", 2)[0]))
	}
	return "text/plain"
}

// cutAtBoundaries reads a multipart body the MIME reader could not: when
// the first delimiter line in it is the top-level Content-Type's boundary,
// the body is cut at every boundary the mail declares and the text and HTML
// parts returned. Otherwise (the top-level boundary never appears, so what
// the delimiters enclose is unknown) it returns nothing and the caller keeps
// the raw body.
func cutAtBoundaries(raw, body []byte) (texts, htmls []string) {
	hdr, _ := splitHeader(raw)
	_, params, err := mime.ParseMediaType(get(hdr, "Content-Type"))
	top := params["boundary"]
	if err != nil || top == "" {
		return nil, nil
	}
	bounds := declaredBoundaries(raw)
	for _, l := range strings.Split(string(body), "\n") {
		if isDelimiter(l, bounds) {
			if !isDelimiter(l, []string{top}) {
				return nil, nil
			}
			break
		}
	}
	texts, htmls, _ = splitAtBoundaries(string(body), bounds, true)
	return texts, htmls
}
