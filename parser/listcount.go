package parser

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"mime"
	"slices"
	"strings"
	"unicode/utf16"
)

// CountListItems counts the items of a list attached as CSV or TXT
// (consignment or order numbers; seeds/seko-it-support-self-management.txt,
// "Multiple consignments"). ok is false when the file is not a CSV/TXT list:
// a file name ending in .csv, .tsv or .txt makes it one; a file name with
// any other extension (.log, .xlsx, .png) does not; a file without an
// extension is one when its content type is text/csv, text/plain,
// text/tab-separated-values or a CSV alias. Content with NUL bytes (binary,
// or UTF-16 without a byte order mark) is not a list either.
//
// The count is the number of non-empty lines, one item per row for CSV
// (quoted fields may span lines; a row of empty cells is empty), minus one
// header line when the first row has no digit and more than half of the
// other rows have one. A UTF-8 or UTF-16 byte order mark, Windows and old
// Mac line ends are read. An empty list file counts 0 with ok true.
func CountListItems(filename, contentType string, content []byte) (n int, ok bool) {
	isCSV, ok := listFile(filename, contentType)
	if !ok {
		return 0, false
	}
	text, ok := listText(content)
	if !ok {
		return 0, false
	}
	var rows []string
	if isCSV {
		rows = csvRows(text)
	}
	if rows == nil {
		for _, l := range strings.Split(text, "\n") {
			if l = strings.TrimSpace(l); l != "" {
				rows = append(rows, l)
			}
		}
	}
	if len(rows) >= 2 && !strings.ContainsAny(rows[0], "0123456789") {
		digits := 0
		for _, r := range rows[1:] {
			if strings.ContainsAny(r, "0123456789") {
				digits++
			}
		}
		if 2*digits > len(rows)-1 {
			return len(rows) - 1, true
		}
	}
	return len(rows), true
}

// listFile tells whether a file is a CSV/TXT list, and whether it is CSV.
func listFile(filename, contentType string) (isCSV, ok bool) {
	name := strings.ToLower(strings.TrimSpace(filename))
	if i := strings.LastIndexAny(name, "/\\"); i >= 0 {
		name = name[i+1:]
	}
	if i := strings.LastIndexByte(name, '.'); i > 0 {
		switch name[i:] {
		case ".csv", ".tsv":
			return true, true
		case ".txt":
			return false, true
		}
		return false, false
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		mt, _, _ = strings.Cut(strings.ToLower(strings.TrimSpace(contentType)), ";")
	}
	switch mt {
	case "text/csv", "application/csv", "text/x-csv", "application/x-csv", "text/comma-separated-values", "text/tab-separated-values":
		return true, true
	case "text/plain":
		return false, true
	}
	return false, false
}

// listText decodes a list file's bytes: byte order marks read (UTF-16 is
// decoded), line ends made "\n". It is false for content with NUL bytes.
func listText(b []byte) (string, bool) {
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		b = b[3:]
	case len(b) >= 2 && (b[0] == 0xFF && b[1] == 0xFE || b[0] == 0xFE && b[1] == 0xFF):
		u := make([]uint16, 0, len(b)/2)
		for i := 2; i+1 < len(b); i += 2 {
			if b[0] == 0xFF {
				u = append(u, uint16(b[i])|uint16(b[i+1])<<8)
			} else {
				u = append(u, uint16(b[i])<<8|uint16(b[i+1]))
			}
		}
		b = []byte(string(utf16.Decode(u)))
	}
	if bytes.IndexByte(b, 0) >= 0 {
		return "", false
	}
	s := strings.ReplaceAll(strings.ReplaceAll(string(b), "\r\n", "\n"), "\r", "\n")
	return valid(s), true
}

// csvRows reads CSV records, the separator (',', ';' or tab) taken from the
// first line, and returns the non-empty ones with their cells joined; nil
// when the text is not readable CSV.
func csvRows(text string) []string {
	first, _, _ := strings.Cut(strings.TrimLeft(text, "\n"), "\n")
	comma, most := ',', 0
	for _, c := range []rune{',', ';', '\t'} {
		if n := strings.Count(first, string(c)); n > most {
			comma, most = c, n
		}
	}
	r := csv.NewReader(strings.NewReader(text))
	r.Comma, r.LazyQuotes, r.FieldsPerRecord = comma, true, -1
	rows := []string{}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return rows
		}
		if err != nil {
			return nil
		}
		if slices.ContainsFunc(rec, func(c string) bool { return strings.TrimSpace(c) != "" }) {
			rows = append(rows, strings.Join(rec, string(comma)))
		}
	}
}

// listItems splits a list value into items: one a line, a line also split at
// commas and semicolons, bullets and item numbers dropped; a line of several
// words that all hold digits ("ACM001 ACM002") is split at spaces.
func listItems(v string) []string {
	var out []string
	for _, line := range strings.Split(v, "\n") {
		for _, part := range strings.FieldsFunc(line, func(r rune) bool { return r == ',' || r == ';' }) {
			part = strings.TrimSpace(stripBullet(strings.TrimSpace(part)))
			words := strings.Fields(part)
			if len(words) > 1 && !slices.ContainsFunc(words, func(w string) bool { return !strings.ContainsAny(w, "0123456789") }) {
				out = append(out, words...)
			} else if part != "" {
				out = append(out, part)
			}
		}
	}
	return out
}
