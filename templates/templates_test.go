package templates

import (
	"strings"
	"testing"
)

func loadSet(t *testing.T) *Set {
	t.Helper()
	s, err := Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return s
}

func ackData() Data {
	return Data{
		Ref:         "TKT-1",
		Summary:     "printer broken",
		Severity:    2,
		Priority:    "medium",
		DeskName:    "Example Support",
		DeskAddress: "support@desk.example",
	}
}

func TestLoad(t *testing.T) {
	s := loadSet(t)
	if _, ok := s.text["en/ack"]; !ok {
		t.Errorf("text template en/ack not loaded; have %v", s.text)
	}
	if _, ok := s.html["en/ack"]; !ok {
		t.Errorf("html template en/ack not loaded; have %v", s.html)
	}
}

func TestRenderAckSubject(t *testing.T) {
	s := loadSet(t)
	tests := []struct {
		name    string
		summary string
		want    string
	}{
		{"plain", "printer broken", "[TKT-1] printer broken"},
		{"whitespace collapsed", "  printer \t broken  ", "[TKT-1] printer broken"},
		{"newlines removed", "printer\r\nBcc: evil@example.com\n broken", "[TKT-1] printer Bcc: evil@example.com broken"},
		{"empty summary", "", "[TKT-1]"},
		{"markup kept verbatim", `<b>a</b> & "x"`, `[TKT-1] <b>a</b> & "x"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := ackData()
			d.Summary = tc.summary
			r, err := s.Render("ack", "en", d)
			if err != nil {
				t.Fatal(err)
			}
			if r.Subject != tc.want {
				t.Errorf("Subject = %q, want %q", r.Subject, tc.want)
			}
			if strings.ContainsAny(r.Subject, "\r\n") {
				t.Errorf("Subject %q contains a line break", r.Subject)
			}
		})
	}
}

func TestRenderAckText(t *testing.T) {
	s := loadSet(t)
	r, err := s.Render("ack", "en", ackData())
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"TKT-1",
		"printer broken",
		"Severity: 2",
		"reply to this mail",
		"[TKT-1] in the subject",
		"Example Support <support@desk.example>",
		"Hello,",
	} {
		if !strings.Contains(r.Text, want) {
			t.Errorf("Text does not contain %q:\n%s", want, r.Text)
		}
	}
	if strings.Contains(r.Text, "{{") || strings.Contains(r.Text, "<no value>") {
		t.Errorf("Text has unrendered parts:\n%s", r.Text)
	}
	if r.HTML == "" {
		t.Fatal("HTML is empty")
	}
	for _, want := range []string{"<strong>TKT-1</strong>", "<td>printer broken</td>", "<td>2</td>", "reply to this mail"} {
		if !strings.Contains(r.HTML, want) {
			t.Errorf("HTML does not contain %q:\n%s", want, r.HTML)
		}
	}
}

func TestRenderRecipientName(t *testing.T) {
	s := loadSet(t)
	d := ackData()
	d.RecipientName = "Alice"
	r, err := s.Render("ack", "en", d)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.Text, "Hello Alice,") {
		t.Errorf("Text does not greet Alice:\n%s", r.Text)
	}
	if !strings.Contains(r.HTML, "Hello Alice,") {
		t.Errorf("HTML does not greet Alice:\n%s", r.HTML)
	}
}

func TestRenderEscapesCustomerStringsInHTML(t *testing.T) {
	s := loadSet(t)
	const evil = `<script>alert(1)</script> & "x"`
	const escaped = `&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;x&#34;`
	tests := []struct {
		name string
		set  func(d *Data)
	}{
		{"summary", func(d *Data) { d.Summary = evil }},
		{"client", func(d *Data) { d.Client = evil }},
		{"recipient name", func(d *Data) { d.RecipientName = evil }},
		{"desk name", func(d *Data) { d.DeskName = evil }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := ackData()
			tc.set(&d)
			r, err := s.Render("ack", "en", d)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(r.HTML, "<script>") || strings.Contains(r.HTML, "alert(1)</script>") {
				t.Errorf("HTML contains the unescaped string:\n%s", r.HTML)
			}
			if !strings.Contains(r.HTML, escaped) {
				t.Errorf("HTML does not contain %q:\n%s", escaped, r.HTML)
			}
			if !strings.Contains(r.Text, evil) {
				t.Errorf("Text does not contain %q verbatim:\n%s", evil, r.Text)
			}
		})
	}
}

func TestRenderLanguageFallback(t *testing.T) {
	s := loadSet(t)
	en, err := s.Render("ack", "en", ackData())
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"xx", "", "EN", "../en"} {
		t.Run("lang "+lang, func(t *testing.T) {
			got, err := s.Render("ack", lang, ackData())
			if err != nil {
				t.Fatalf("Render(ack, %q): %v", lang, err)
			}
			if got != en {
				t.Errorf("Render(ack, %q) = %+v, want the en rendering %+v", lang, got, en)
			}
		})
	}
}

func TestRenderUnknownKind(t *testing.T) {
	s := loadSet(t)
	for _, kind := range []string{"nope", "", "ACK", "ack.txt"} {
		t.Run("kind "+kind, func(t *testing.T) {
			r, err := s.Render(kind, "en", ackData())
			if err == nil {
				t.Fatalf("Render(%q) = %+v, want an error", kind, r)
			}
			if r != (Rendered{}) {
				t.Errorf("Render(%q) returned %+v with the error, want zero", kind, r)
			}
		})
	}
}

func TestRenderClientBlock(t *testing.T) {
	s := loadSet(t)
	tests := []struct {
		name       string
		client     string
		wantText   string
		wantHTML   string
		wantClient bool
	}{
		{"with client", "Acme GmbH", "Client: Acme GmbH", "<td>Acme GmbH</td>", true},
		{"without client", "", "", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := ackData()
			d.Client = tc.client
			r, err := s.Render("ack", "en", d)
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Contains(r.Text, "Client:"); got != tc.wantClient {
				t.Errorf("Text has a Client line: %v, want %v:\n%s", got, tc.wantClient, r.Text)
			}
			if got := strings.Contains(r.HTML, "<strong>Client</strong>"); got != tc.wantClient {
				t.Errorf("HTML has a Client row: %v, want %v:\n%s", got, tc.wantClient, r.HTML)
			}
			if !strings.Contains(r.Text, tc.wantText) || !strings.Contains(r.HTML, tc.wantHTML) {
				t.Errorf("client %q not shown:\ntext:\n%s\nhtml:\n%s", tc.client, r.Text, r.HTML)
			}
		})
	}
}

func TestRenderConcurrently(t *testing.T) {
	s := loadSet(t)
	want, err := s.Render("ack", "en", ackData())
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan Rendered)
	for range 8 {
		go func() {
			r, _ := s.Render("ack", "en", ackData())
			done <- r
		}()
	}
	for range 8 {
		if got := <-done; got != want {
			t.Errorf("concurrent Render = %+v, want %+v", got, want)
		}
	}
}
