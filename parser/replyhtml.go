package parser

import (
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/inbucket/html2text"
)

// quoteContainer is an HTML element a client wraps the quoted mail in, with
// no way to reply inside it. verify asks that the text right after it be a
// "Key: value" header line, for markers that also appear in own content.
type quoteContainer struct {
	re     *regexp.Regexp
	verify bool
}

var quoteContainers = []quoteContainer{
	{re: regexp.MustCompile(`(?i)<div\b[^>]*\bid\s*=\s*["']?(?:divRplyFwdMsg|appendonsend)\b`)}, // Outlook web and mobile
	{re: regexp.MustCompile(`(?i)<div\b[^>]*\bclass\s*=\s*["']?OutlookMessageHeader\b`)},        // Outlook 2003
	{re: regexp.MustCompile(`(?i)<hr\b[^>]*\bid\s*=\s*["']?stopSpelling\b`)},                    // Hotmail
	{re: regexp.MustCompile(`(?i)<div\b[^>]*\bclass\s*=\s*["']?[^"'>]*\byahoo_quoted\b`)},       // Yahoo
	// Outlook desktop and Windows Mail: the header block's top border.
	{re: regexp.MustCompile(`(?i)<div\b[^>]*\bstyle\s*=\s*["'][^"']*border-top(?:-style)?\s*:\s*solid`), verify: true},
}

var anyTag = regexp.MustCompile(`<[^>]*>`)

// ExtractReplyHTML does for an HTML-only body what ExtractReply does for
// plain text, and returns plain text. The quote is found in the HTML where a
// client marks it with an element nobody replies inside: Outlook's
// divRplyFwdMsg, appendonsend or the header block with a top border,
// Hotmail's stopSpelling rule, Yahoo's yahoo_quoted. Everything else, Gmail's
// gmail_quote, Thunderbird's moz-cite-prefix, Apple Mail's and others'
// blockquote, becomes text first (a blockquote as ">" lines, links as
// "text ( url )", bold as *text*) and is cut by ExtractReply's rules, which
// keep replies written between the quotes.
func ExtractReplyHTML(html string) (r Reply) {
	defer func() {
		if recover() != nil { // html2text is third-party code: never let it panic the parser
			r = ExtractReply(valid(anyTag.ReplaceAllString(html, " ")))
		}
	}()
	marked, token := markQuoteContainers(html)
	text, err := html2text.FromString(marked)
	if err != nil {
		return ExtractReply(valid(anyTag.ReplaceAllString(html, " ")))
	}
	text = valid(text)
	above, below := cutAtToken(strings.Split(text, "\n"), token)
	r = ExtractReply(strings.Join(above, "\n"))
	if rest := strings.TrimSpace(strings.Join(below, "\n")); rest != "" {
		if r.Quoted != "" {
			r.Quoted += "\n"
		}
		r.Quoted += rest
	}
	return r
}

// maxMarks bounds the quoteContainer matches marked per kind.
const maxMarks = 20

// markQuoteContainers puts a paragraph holding token, a kind letter and the
// offset before each quoteContainer match (the first maxMarks of each kind),
// so that the cut survives the conversion to text. token is chosen so that
// it does not occur in html.
func markQuoteContainers(html string) (string, string) {
	token := "x-postdesk-quote-"
	for strings.Contains(html, token) {
		token += "x"
	}
	type mark struct {
		at     int
		verify bool
	}
	var marks []mark
	for _, c := range quoteContainers {
		for _, loc := range c.re.FindAllStringIndex(html, maxMarks) {
			marks = append(marks, mark{loc[0], c.verify})
		}
	}
	sort.Slice(marks, func(i, j int) bool { return marks[i].at < marks[j].at })
	var b strings.Builder
	prev := 0
	for _, m := range marks {
		b.WriteString(html[prev:m.at])
		kind := "c"
		if m.verify {
			kind = "v"
		}
		b.WriteString("<p>" + token + kind + strconv.Itoa(m.at) + "</p>")
		prev = m.at
	}
	b.WriteString(html[prev:])
	return b.String(), token
}

// cutAtToken splits converted lines at the first marker line that holds, and
// drops the other marker lines. A "v" marker holds only when the first
// non-blank line after it is a "Key: value" line.
func cutAtToken(lines []string, token string) (above, below []string) {
	for i := 0; i < len(lines); i++ {
		at := strings.Index(lines[i], token)
		if at < 0 {
			above = append(above, lines[i])
			continue
		}
		if kind := at + len(token); kind < len(lines[i]) && lines[i][kind] == 'v' {
			next := skipBlank(lines, i+1, len(lines))
			if next >= len(lines) || !fieldOrKey(lines[next]) {
				continue
			}
		}
		for _, l := range lines[i+1:] {
			if !strings.Contains(l, token) {
				below = append(below, l)
			}
		}
		return above, below
	}
	return above, nil
}
