package parser

import (
	"regexp"
	"strings"

	"golang.org/x/net/html"
)

// htmlLines renders an HTML body as form lines: a table row with a label
// cell and one or more cells after it becomes one row line, "label<TAB>value";
// a row with one filled cell, and text outside tables, become text lines
// (a block element ends a line, <br> always starts a new one, so an empty
// paragraph is a blank line only when it holds &nbsp; as Outlook writes it). A table inside a cell (a layout
// table) makes its outer row text. Scripts, styles and the head are skipped.
func htmlLines(src string) []formLine {
	z := html.NewTokenizer(strings.NewReader(src))
	var out []formLine
	var text lineBuf
	type table struct {
		cells  []string
		cell   *lineBuf
		nested bool
		data   bool // the row has a <td>, not only <th>
	}
	var stack []*table
	skip := 0
	emitText := func(s string) {
		for _, line := range strings.Split(s, "\n") {
			out = append(out, formLine{text: strings.Join(strings.Fields(line), " ")})
		}
	}
	sink := func() *lineBuf {
		if n := len(stack); n > 0 && stack[n-1].cell != nil {
			return stack[n-1].cell
		}
		return &text
	}
	endCell := func(t *table) {
		if t.cell != nil {
			t.cells = append(t.cells, t.cell.String())
			t.cell = nil
		}
	}
	endRow := func(t *table) {
		endCell(t)
		switch {
		case t.nested:
			for _, c := range t.cells {
				emitText(c)
			}
		case !t.data && len(t.cells) > 0:
			// A heading row: text, its cells joined by tabs.
			var cs []string
			for _, c := range t.cells {
				if c = strings.Join(strings.Fields(c), " "); c != "" {
					cs = append(cs, c)
				}
			}
			out = append(out, formLine{text: strings.Join(cs, "\t"), heading: true})
		default:
			out = append(out, rowLines(t.cells)...)
		}
		t.cells, t.data = nil, false
	}
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			for n := len(stack); n > 0; n-- {
				endRow(stack[n-1])
			}
			emitText(text.String())
			return out
		case html.TextToken:
			if skip == 0 {
				sink().text(htmlSpace.ReplaceAllString(string(z.Text()), " "))
			}
			continue
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
		default:
			continue
		}
		name, _ := z.TagName()
		start := tt == html.StartTagToken
		var top *table
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		switch string(name) {
		case "script", "style", "head", "title":
			if start {
				skip++
			} else if tt == html.EndTagToken && skip > 0 {
				skip--
			}
		case "body":
			skip = 0
		case "br":
			sink().newline(true)
		case "p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "blockquote", "pre", "dt", "dd":
			sink().newline(false)
		case "table":
			switch {
			case tt == html.EndTagToken && top != nil:
				endRow(top)
				stack = stack[:len(stack)-1]
				if len(stack) == 0 {
					out = append(out, formLine{})
				}
				sink().newline(false)
			case start && top != nil && top.cell != nil:
				top.nested = true
				for _, c := range top.cells {
					emitText(c)
				}
				emitText(top.cell.String())
				top.cells = nil
				top.cell.Reset()
				stack = append(stack, &table{})
			case start:
				emitText(text.String())
				text.Reset()
				out = append(out, formLine{})
				stack = append(stack, &table{})
			}
		case "tr":
			if top != nil {
				endRow(top)
			}
		case "td", "th":
			if top != nil {
				endCell(top)
				if start {
					top.cell = &lineBuf{}
					top.data = top.data || string(name) == "td"
				}
			}
		}
	}
}

// lineBuf collects an HTML element's text: white space at a line start is
// dropped, and a block ends a line only once.
type lineBuf struct {
	strings.Builder
	mid bool // the last line has text
}

func (b *lineBuf) text(s string) {
	if !b.mid {
		s = strings.TrimLeft(s, " ")
	}
	if s != "" {
		b.WriteString(s)
		b.mid = true
	}
}

// newline ends the line: always when hard (<br>), else only a line with text.
func (b *lineBuf) newline(hard bool) {
	if hard || b.mid {
		b.WriteByte('\n')
		b.mid = false
	}
}

func (b *lineBuf) Reset() {
	b.Builder.Reset()
	b.mid = false
}

// htmlSpace is white space as HTML collapses it (not U+00A0).
var htmlSpace = regexp.MustCompile(`[ \t\r\n\f]+`)

// rowLines turns a table row's cells into lines: a row line when a label
// cell has cells after it, else the filled cell's lines as text.
func rowLines(cells []string) []formLine {
	var clean []string
	first := -1
	for _, c := range cells {
		var ls []string
		for _, l := range strings.Split(c, "\n") {
			if l = strings.Join(strings.Fields(l), " "); l != "" {
				ls = append(ls, l)
			}
		}
		if len(ls) > 0 && first < 0 {
			first = len(clean)
		}
		clean = append(clean, strings.Join(ls, "\n"))
	}
	switch {
	case first < 0:
		return nil
	case first == len(clean)-1:
		var out []formLine
		for _, l := range strings.Split(clean[first], "\n") {
			out = append(out, formLine{text: l})
		}
		return out
	}
	label := strings.ReplaceAll(clean[first], "\n", " ")
	var vals []string
	for _, c := range clean[first+1:] {
		if c != "" {
			vals = append(vals, c)
		}
	}
	value := strings.Join(vals, "\n")
	return []formLine{{text: label + "\t" + value, row: true, label: label, value: value}}
}
