package parser

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"
)

func utf16LE(s string) []byte {
	out := []byte{0xFF, 0xFE}
	for _, u := range utf16.Encode([]rune(s)) {
		out = append(out, byte(u), byte(u>>8))
	}
	return out
}

func TestCountListItems(t *testing.T) {
	tests := []struct {
		name, filename, contentType, content string
		n                                    int
		ok                                   bool
	}{
		{"csv with header", "impacted.csv", "text/csv", "consignment,account\nACM001,A1\nACM002,A1\nACM003,A2\n", 3, true},
		{"csv without header", "impacted.csv", "text/csv", "ACM001,A1\nACM002,A1\n", 2, true},
		{"txt list", "consignments.txt", "text/plain", "ACM0004512301\nACM0004512302\n\nACM0004512310\n", 3, true},
		{"txt with header", "orders.txt", "text/plain", "Order numbers\n10482\n10491\n", 2, true},
		{"windows line ends", "list.txt", "text/plain", "Consignment\r\nACM001\r\nACM002\r\n\r\n", 2, true},
		{"old mac line ends", "list.csv", "text/csv", "id\rACM001\rACM002\r", 2, true},
		{"utf-8 bom", "list.csv", "text/csv", "\ufeffconsignment_number\r\nACM001\r\nACM002\r\n", 2, true},
		{"utf-16 bom (Excel unicode text)", "list.txt", "text/plain", string(utf16LE("Sendungsnummer\r\nSEM-1001\r\nSEM-1002\r\nSEM-1003\r\n")), 3, true},
		{"semicolon csv, quoted line break, empty rows", "Sendungen.CSV", "application/vnd.ms-excel",
			"Sendung;Empfänger\nSEM-1001;\"Müller\nNürnberg\"\n;;\nSEM-1002;Huber\n", 2, true},
		{"latin-1 csv", "liste.csv", "text/csv", "Nummer;Ort\nSEM-1001;N\xfcrnberg\n", 1, true},
		{"header only when the others have digits", "names.txt", "text/plain", "Alpha\nBravo\nCharlie\n", 3, true},
		{"first line with digits is an item", "list.txt", "text/plain", "ACM001\nACM002\n", 2, true},
		{"empty", "list.csv", "text/csv", "", 0, true},
		{"only blank lines", "list.txt", "text/plain", "\r\n \r\n", 0, true},
		{"no extension, csv type", "consignments", "text/csv; charset=utf-8", "a\n1\n2\n", 2, true},
		{"no extension, plain type", "", "text/plain", "1\n2\n", 2, true},
		{"image", "portal.png", "image/png", "\x89PNG\r\n\x1a\n", 0, false},
		{"spreadsheet", "impacted.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "PK\x03\x04", 0, false},
		{"log file sent as text/plain", "batch-778.log", "text/plain", "line 1\nline 2\n", 0, false},
		{"no name, pdf type", "", "application/pdf", "%PDF-1.7", 0, false},
		{"binary with a txt name", "dump.txt", "text/plain", "AB\x00CD", 0, false},
	}
	for _, tt := range tests {
		n, ok := CountListItems(tt.filename, tt.contentType, []byte(tt.content))
		if n != tt.n || ok != tt.ok {
			t.Errorf("%s: CountListItems(%q, %q) = %d, %v; want %d, %v", tt.name, tt.filename, tt.contentType, n, ok, tt.n, tt.ok)
		}
	}
}

// TestCountListItemsMail counts the list attached to a testdata mail, as the
// parser hands it over.
func TestCountListItemsMail(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(mailDir, "consignments-csv-png.eml"))
	if err != nil {
		t.Fatal(err)
	}
	msg, _ := Parse(raw)
	var got []string
	for _, a := range msg.Attachments {
		if n, ok := CountListItems(a.Filename, a.ContentType, a.Content); ok {
			got = append(got, a.Filename+"="+strings.Repeat("I", n))
		}
	}
	if want := "impacted consignments.csv=IIII"; strings.Join(got, ",") != want {
		t.Errorf("lists %q, want %q", got, want)
	}
}
