package gateway

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A SEKO desk reads its questionnaire from the mail and counts the attached
// list of impacted consignments; the ticket carries both as fields.
func TestSEKOQuestionnaireBecomesTicketFields(t *testing.T) {
	cfg := testConfig(t)
	cfg.Desk.Form = "seko"
	d := startDesk(t, cfg, false)
	raw := crlf(`From: Priya <priya@acme.example>
To: support@desk.example
Subject: Severity 2 - Acme Freight - labels not printing
Message-ID: <q1@acme.example>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary=b

--b
Content-Type: text/plain; charset=utf-8

Hi Support,

Brief description of the issue including timestamp (and time zone) of the issue: No labels since 07:45 AEDT.
Is it happening to all orders (Y/N): Y
Error message: "printer profile not found"
If you have a list of impacted consignments, please attach (respond 'yes' if attached): yes
Best contact number if we need to organise a call with you regarding your request: +61 2 5550 1234

Kind regards,
Priya
--b
Content-Type: text/csv; name=impacted.csv
Content-Disposition: attachment; filename=impacted.csv

consignment
ACM0001
ACM0002
ACM0003
--b--
`)
	if _, err := send(t, d.Addr(), "priya@acme.example", []string{"support@desk.example"}, raw); err != nil {
		t.Fatal(err)
	}
	tk, err := d.Store.Ticket(context.Background(), "TKT", 1)
	if err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]string{
		"all_orders": "yes", "consignment_list_attached": "yes", "contact_phone": "+61255501234",
		"error_message": `"printer profile not found"`, "attached_items": "3",
	} {
		if got := tk.Fields[key]; got != want {
			t.Errorf("field %s = %q, want %q (all: %v)", key, got, want, tk.Fields)
		}
	}
	if !strings.Contains(tk.Fields["description"], "No labels since 07:45") {
		t.Errorf("description = %q", tk.Fields["description"])
	}
}

func TestFormConfigIsChecked(t *testing.T) {
	for _, tc := range []struct{ toml, want string }{
		{"[desk]\nform = \"acme\"\n", "desk.form"},
		{"[desk]\nreopen = \"new_ticket\"\nreopen_window_days = 14\n", "desk.reopen_window_days"},
		{"[desk]\nmax_severity = 3\ndefault_severity = 4\n", "desk.default_severity"},
		{"[desk]\npriorities = [\"low\", \"high\"]\n", "desk.default_priority"},
		{"[desk]\nregistration = \"closed\"\n", "desk.registration"},
		{"[desk]\nparticipants = \"friends\"\n", "desk.participants"},
		{"[[users]]\nemail = \"x@y.example\"\nrole = \"boss\"\n", "users[0]"},
		{"[desk]\n[[desk.fields]]\nkey = \"order\"\ntype = \"colour\"\nlabels = [\"Order\"]\n", "desk.fields"},
		{"[desk]\n[[desk.fields]]\nkey = \"a\"\ntype = \"text\"\nlabels = [\"Order\"]\n" +
			"[[desk.fields]]\nkey = \"b\"\ntype = \"text\"\nlabels = [\"order\"]\n", "desk.fields"},
	} {
		path := filepath.Join(t.TempDir(), "postdesk.toml")
		if err := os.WriteFile(path, []byte(tc.toml), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadConfig(path); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v, want an error naming %s", tc.toml, err, tc.want)
		}
	}
	path := filepath.Join(t.TempDir(), "ok.toml")
	os.WriteFile(path, []byte("[desk]\n[[desk.fields]]\nkey = \"order\"\ntype = \"text\"\nlabels = [\"Order number\", \"Bestellnummer\"]\n"), 0o600)
	cfg, err := LoadConfig(path)
	if err != nil || len(cfg.Desk.FormFields()) != 1 {
		t.Fatalf("own form: %v, %+v", err, cfg.Desk.Fields)
	}
}
