package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"postdesk/store"
)

const mailWithAttachment = "From: Anna <anna@client.example>\r\n" +
	"To: support@localhost\r\n" +
	"Subject: Severity 2 - Acme - labels not printing\r\n" +
	"Message-ID: <cli1@client.example>\r\n" +
	"MIME-Version: 1.0\r\n" +
	"Content-Type: multipart/mixed; boundary=b\r\n" +
	"\r\n" +
	"--b\r\nContent-Type: text/plain\r\n\r\nSee the list.\r\n" +
	"--b\r\nContent-Type: text/csv; name=consignments.csv\r\nContent-Disposition: attachment; filename=consignments.csv\r\n\r\n" +
	"OP123\r\nOP124\r\n" +
	"--b--\r\n"

func cli(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	var out bytes.Buffer
	if err := run(context.Background(), args[0], args[1:], strings.NewReader(stdin), &out); err != nil {
		t.Fatalf("postdesk %s: %v", strings.Join(args, " "), err)
	}
	return out.String()
}

// keys returns the keys of a JSON object.
func keys(obj map[string]any) map[string]bool {
	out := map[string]bool{}
	for k := range obj {
		out[k] = true
	}
	return out
}

// requireExactKeys fails unless obj has exactly the keys want.
func requireExactKeys(t *testing.T, what string, obj map[string]any, want ...string) {
	t.Helper()
	have := keys(obj)
	wanted := map[string]bool{}
	for _, k := range want {
		wanted[k] = true
		if !have[k] {
			t.Errorf("%s JSON lacks %q (has %v)", what, k, have)
		}
	}
	for k := range have {
		if !wanted[k] {
			t.Errorf("%s JSON has %q, which is not in the contract %v", what, k, want)
		}
	}
}

func requireKeys(t *testing.T, what string, obj map[string]any, want ...string) {
	t.Helper()
	have := keys(obj)
	for _, k := range want {
		if !have[k] {
			t.Errorf("%s JSON lacks %q (has %v)", what, k, have)
		}
	}
}

// The JSON of `tickets` and `show` is a contract other tools read.
func TestJSONContract(t *testing.T) {
	db := filepath.Join(t.TempDir(), "cli.db")
	if got := cli(t, mailWithAttachment, "deliver", "--db", db, "--from", "anna@client.example"); got != "TKT-1\n" {
		t.Fatalf("deliver printed %q, want TKT-1", got)
	}

	var list []map[string]any
	if err := json.Unmarshal([]byte(cli(t, "", "tickets", "--db", db, "--json")), &list); err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 {
		t.Fatalf("tickets --json: %d tickets", len(list))
	}
	ticketKeys := []string{"ref", "subject", "summary", "client", "severity", "priority", "status", "requester",
		"participants", "fields", "created_at", "updated_at", "messages", "events", "resolution", "assignee",
		"escalated", "linked", "department", "category"}
	requireKeys(t, "tickets", list[0], ticketKeys...)
	// The list carries no messages (show does): always [], never absent or null.
	if msgs, ok := list[0]["messages"].([]any); !ok || len(msgs) != 0 {
		t.Errorf("tickets --json messages = %#v, want []", list[0]["messages"])
	}
	if evs, _ := list[0]["events"].([]any); len(evs) == 0 {
		t.Errorf("tickets --json events = %#v, want the history", list[0]["events"])
	}

	var tk map[string]any
	if err := json.Unmarshal([]byte(cli(t, "", "show", "TKT-1", "--db", db, "--json")), &tk); err != nil {
		t.Fatal(err)
	}
	requireKeys(t, "show", tk, append(ticketKeys, "messages", "events")...)
	if tk["ref"] != "TKT-1" || tk["severity"] != 2.0 || tk["client"] != "Acme" || tk["status"] != "new" {
		t.Errorf("show: %v", tk)
	}
	if created, _ := tk["created_at"].(string); !strings.HasSuffix(created, "Z") || len(created) != len("2026-11-23T09:00:00Z") {
		t.Errorf("created_at %q is not RFC 3339 UTC", tk["created_at"])
	}
	// Every event has every key; the mail that caused it is named.
	evs, _ := tk["events"].([]any)
	if len(evs) == 0 {
		t.Fatalf("events = %v", tk["events"])
	}
	for i, e := range evs {
		ev, _ := e.(map[string]any)
		requireExactKeys(t, fmt.Sprintf("event %d", i), ev, "at", "actor", "type", "from", "to", "reason", "message_id")
		if at, _ := ev["at"].(string); !strings.HasSuffix(at, "Z") {
			t.Errorf("event %d at %q is not RFC 3339 UTC", i, ev["at"])
		}
	}
	if first, _ := evs[0].(map[string]any); first["type"] != "created" || first["message_id"] != "cli1@client.example" ||
		first["from"] != "" {
		t.Errorf("created event = %v, want message_id cli1@client.example and from \"\"", first)
	}
	msgs, _ := tk["messages"].([]any)
	if len(msgs) != 2 {
		t.Fatalf("messages = %v, want the mail and its acknowledgement", msgs)
	}
	in, _ := msgs[0].(map[string]any)
	requireKeys(t, "message", in, "direction", "message_id", "from", "to", "cc", "subject", "text", "attachments")
	atts, _ := in["attachments"].([]any)
	if len(atts) != 1 {
		t.Fatalf("attachments = %v", in["attachments"])
	}
	att, _ := atts[0].(map[string]any)
	requireKeys(t, "attachment", att, "filename", "content_type", "size", "sha256")
	if att["filename"] != "consignments.csv" || att["size"] != 12.0 {
		t.Errorf("attachment = %v", att)
	}
	if out, _ := msgs[1].(map[string]any); out["direction"] != "out" {
		t.Errorf("second message = %v, want the outbound acknowledgement", out)
	}

	// Without a relay the acknowledgement waits in the outbox.
	if got := cli(t, "", "outbox", "--db", db); !strings.Contains(got, "pending") || !strings.Contains(got, "TKT-1  ack") {
		t.Errorf("outbox:\n%s", got)
	}
	if got := cli(t, "", "show", "--db", db, "tkt-1"); !strings.Contains(got, "consignments.csv") ||
		!strings.Contains(got, "department -, category -") || !strings.Contains(got, "by mail <cli1@client.example>") {
		t.Errorf("show (text):\n%s", got)
	}
}

func TestCLIErrors(t *testing.T) {
	db := filepath.Join(t.TempDir(), "cli.db")
	cli(t, mailWithAttachment, "deliver", "--db", db, "--from", "anna@client.example")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"show", "--db", db, "TKT-7"}, "not found"},
		{[]string{"show", "--db", db, "nonsense"}, "not a reference"},
		{[]string{"tickets", "--db", db, "--status", "bogus"}, "accepted"},
		{[]string{"serve", "--db", db, "--relay", "nohostport"}, "HOST:PORT"},
		{[]string{"frobnicate"}, "unknown command"},
	} {
		err := run(context.Background(), tc.args[0], tc.args[1:], strings.NewReader(""), &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("postdesk %v: %v, want an error mentioning %q", tc.args, err, tc.want)
		}
	}
}

func TestDeliverRefusesOtherRecipient(t *testing.T) {
	db := filepath.Join(t.TempDir(), "cli.db")
	err := run(context.Background(), "deliver", []string{"--db", db, "--to", "sales@localhost"},
		strings.NewReader(mailWithAttachment), &bytes.Buffer{})
	var ec exitCode
	if !errors.As(err, &ec) || ec.code != 67 || !strings.Contains(ec.Error(), "support@localhost") {
		t.Fatalf("deliver to another address: %v, want exit 67 naming the desk address", err)
	}
}

// parseKeys are the keys of a `parse --json` object: the contract
// plus the README's documented additions (file, error).
var parseKeys = []string{"file", "message_id", "from", "to", "cc", "date", "subject", "severity", "client",
	"summary", "ref", "text", "html", "new_text", "signature", "fields", "kind", "bounce", "attachments",
	"forwarded", "problems"}

// `parse --json` prints one JSON object per file (JSON Lines) with exactly
// the contract keys, down to the bounce, attachment and forwarded objects.
// A file that cannot be read or parsed gives an object with "error" (a
// parsed one keeps what the parser made of it), the run goes on, and the
// command fails naming how many files did.
func TestParseJSONLines(t *testing.T) {
	dir := t.TempDir()
	forward := filepath.Join(dir, "forward.eml")
	unparsable := filepath.Join(dir, "no-boundary.eml")
	for name, body := range map[string]string{
		forward: "From: Bob <bob@client.example>\r\nTo: support@localhost\r\nSubject: Fwd: labels\r\n" +
			"Message-ID: <fw1@client.example>\r\n\r\nSee below.\r\n\r\n---------- Forwarded message ---------\r\n" +
			"From: Anna <anna@client.example>\r\nDate: Mon, 3 Mar 2025 09:00:00 +0000\r\n" +
			"Subject: labels not printing\r\nTo: Bob <bob@client.example>\r\n\r\nNo labels since this morning.\r\n",
		unparsable: "From: Carl <carl@client.example>\r\nSubject: scan\r\nMessage-ID: <nb1@client.example>\r\n" +
			"Content-Type: multipart/mixed\r\n\r\nbody\r\n",
	} {
		if err := os.WriteFile(name, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	var out bytes.Buffer
	err := run(context.Background(), "parse", []string{"../../testdata/mail/outlook-reply.eml", "--json",
		"/nonexistent/mail.eml", "../../testdata/mail/out-of-office.eml", "../../testdata/mail/dsn-bounce.eml",
		"../../testdata/mail/consignments-csv-png.eml", forward, unparsable}, strings.NewReader(""), &out)
	if err == nil || !strings.Contains(err.Error(), "2 of 7 files could not be read or parsed") {
		t.Errorf("run error = %v, want two of seven files failed", err)
	}
	objs := jsonLines(t, out.String(), 7)
	for i, o := range objs {
		want := parseKeys
		switch i {
		case 1: // unreadable: no kind
			want = append(slices.DeleteFunc(slices.Clone(parseKeys), func(k string) bool { return k == "kind" }), "error")
		case 6:
			want = append(slices.Clone(parseKeys), "error")
		}
		requireExactKeys(t, fmt.Sprintf("parse object %d", i), o, want...)
		for _, k := range []string{"to", "cc", "attachments", "forwarded", "problems"} {
			if _, ok := o[k].([]any); !ok {
				t.Errorf("parse object %d: %s = %#v, want an array", i, k, o[k])
			}
		}
		if _, ok := o["fields"].(map[string]any); !ok {
			t.Errorf("parse object %d: fields = %#v, want an object", i, o["fields"])
		}
	}
	if objs[0]["ref"] != "TKT-1" || !strings.HasPrefix(objs[0]["new_text"].(string), "Hi,") ||
		strings.Contains(objs[0]["new_text"].(string), "Thanks for the details") {
		t.Errorf("outlook reply: ref %v, new_text %q", objs[0]["ref"], objs[0]["new_text"])
	}
	if objs[1]["file"] != "/nonexistent/mail.eml" || !strings.Contains(objs[1]["error"].(string), "no such file") ||
		objs[1]["bounce"] != nil {
		t.Errorf("unreadable file: %v", objs[1])
	}
	if objs[2]["kind"] != "auto_reply" {
		t.Errorf("out-of-office kind = %v", objs[2]["kind"])
	}
	bounce, _ := objs[3]["bounce"].(map[string]any)
	// recipient, status, hard are the issue's; reply_code and reason the
	// README's additions (others only on a report with several recipients).
	requireExactKeys(t, "bounce", bounce, "recipient", "status", "hard", "reply_code", "reason")
	if objs[3]["kind"] != "bounce" || bounce["recipient"] != "tom.baker@acmefreight.example" || bounce["hard"] != true {
		t.Errorf("bounce: kind %v, %v", objs[3]["kind"], bounce)
	}
	atts, _ := objs[4]["attachments"].([]any)
	if len(atts) != 2 {
		t.Fatalf("attachments = %v", objs[4]["attachments"])
	}
	for i, a := range atts {
		att, _ := a.(map[string]any)
		requireExactKeys(t, fmt.Sprintf("attachment %d", i), att, "filename", "content_type", "size", "sha256",
			"content_id", "inline")
	}
	if first, _ := atts[0].(map[string]any); first["inline"] != true || first["content_id"] != "part1.portal@acmefreight.example" {
		t.Errorf("inline image: %v", first)
	}
	fwd, _ := objs[5]["forwarded"].([]any)
	if len(fwd) != 1 {
		t.Fatalf("forwarded = %v", objs[5]["forwarded"])
	}
	f, _ := fwd[0].(map[string]any)
	requireExactKeys(t, "forwarded", f, "from", "date", "subject", "text")
	if f["subject"] != "labels not printing" || f["text"] != "No labels since this morning." {
		t.Errorf("forwarded mail: %v", f)
	}
	// Not parsed, but what could be read is kept beside the error.
	if e, _ := objs[6]["error"].(string); !strings.Contains(e, "boundary") || objs[6]["from"] != "carl@client.example" ||
		objs[6]["message_id"] != "nb1@client.example" {
		t.Errorf("unparsable mail: error %q, from %v, message_id %v", objs[6]["error"], objs[6]["from"], objs[6]["message_id"])
	}
}

// `parse --config` reads the mail as that desk would: SEKO's form fields
// appear only with seko.toml.
func TestParseWithConfig(t *testing.T) {
	mail := "../../testdata/mail/seko-new-ticket.eml"
	plain := jsonLines(t, cli(t, "", "parse", "--json", mail), 1)[0]
	seko := jsonLines(t, cli(t, "", "parse", "--json", "--config", "../../examples/seko.toml", mail), 1)[0]
	requireExactKeys(t, "parse --config", seko, parseKeys...)
	if f, _ := plain["fields"].(map[string]any); len(f) != 0 {
		t.Errorf("fields without the desk's form: %v", f)
	}
	f, _ := seko["fields"].(map[string]any)
	if f["account"] != "ACME-AU-01 / Acme Freight Pty Ltd" || f["platform"] != "direct from OmniParcel" {
		t.Errorf("SEKO form fields = %v", f)
	}
}

// jsonLines decodes n lines of JSON objects.
func jsonLines(t *testing.T, out string, n int) []map[string]any {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != n {
		t.Fatalf("%d lines, want %d:\n%s", len(lines), n, out)
	}
	var objs []map[string]any
	for _, l := range lines {
		var o map[string]any
		if err := json.Unmarshal([]byte(l), &o); err != nil {
			t.Fatalf("line is not JSON: %v\n%s", err, l)
		}
		objs = append(objs, o)
	}
	return objs
}

func TestSetCommand(t *testing.T) {
	db := filepath.Join(t.TempDir(), "cli.db")
	cli(t, mailWithAttachment, "deliver", "--db", db, "--from", "anna@client.example")
	// Only an agent or manager of the desk can be assigned.
	err := run(context.Background(), "set", []string{"TKT-1", "--db", db, "--assign", "bob@desk.example"},
		strings.NewReader(""), &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "not an agent or manager of this desk (it has none)") {
		t.Errorf("assigning a stranger: %v", err)
	}
	cli(t, "", "users", "add", "bob@desk.example", "--role", "agent", "--db", db)
	cli(t, "", "users", "add", "ann@client.example", "--db", db)
	err = run(context.Background(), "set", []string{"TKT-1", "--db", db, "--assign", "ann@client.example"},
		strings.NewReader(""), &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "staff: bob@desk.example") {
		t.Errorf("assigning a customer: %v", err)
	}
	if got := cli(t, "", "show", "TKT-1", "--db", db); !strings.Contains(got, "status new,") {
		t.Errorf("a refused assignment changed the ticket:\n%s", got)
	}
	if got := cli(t, "", "set", "TKT-1", "--db", db, "--assign", "Bob@desk.example"); got != "TKT-1: assigned (was new), assignee bob@desk.example; notifications queued\n" {
		t.Errorf("assign printed %q", got)
	}
	if got := cli(t, "", "set", "--db", db, "TKT-1", "--status", "resolved", "--resolution", "quote_required",
		"--note", "needs a quote"); !strings.Contains(got, "resolved (was assigned), resolution quote_required") {
		t.Errorf("resolve printed %q", got)
	}
	err = run(context.Background(), "set", []string{"TKT-1", "--db", db, "--status", "new"}, strings.NewReader(""), &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "cannot go from resolved to new") {
		t.Errorf("refused transition: %v", err)
	}
	var tk map[string]any
	if err := json.Unmarshal([]byte(cli(t, "", "show", "TKT-1", "--db", db, "--json")), &tk); err != nil {
		t.Fatal(err)
	}
	requireKeys(t, "show", tk, "resolution", "assignee", "escalated", "linked", "department", "category")
	if tk["resolution"] != "quote_required" || tk["assignee"] != "bob@desk.example" || tk["escalated"] != nil {
		t.Errorf("show: resolution %v, assignee %v, escalated %v", tk["resolution"], tk["assignee"], tk["escalated"])
	}
	for _, bad := range [][]string{{"set", "TKT-1", "--db", db, "--status", "done"}, {"set", "TKT-1", "--db", db, "--resolution", "meh"}} {
		if err := run(context.Background(), bad[0], bad[1:], strings.NewReader(""), &bytes.Buffer{}); err == nil ||
			!strings.Contains(err.Error(), "accepted") {
			t.Errorf("%v: %v, want the accepted values named", bad, err)
		}
	}
}

func TestPeopleCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "cli.db")
	cli(t, "", "orgs", "add", "Replica Client", "--domain", "client.example", "--domain", "client.example.it",
		"--manager", "pm@replica.example", "--db", db)
	cli(t, "", "users", "add", "Giulia@Client.example", "--name", "Giulia", "--org", "Replica Client", "--lang", "it", "--db", db)
	var orgs []map[string]any
	if err := json.Unmarshal([]byte(cli(t, "", "orgs", "list", "--json", "--db", db)), &orgs); err != nil || len(orgs) != 1 {
		t.Fatalf("orgs list: %v %v", err, orgs)
	}
	if doms, _ := orgs[0]["domains"].([]any); len(doms) != 2 || orgs[0]["manager"] != "pm@replica.example" {
		t.Errorf("org = %v", orgs[0])
	}
	var users []map[string]any
	if err := json.Unmarshal([]byte(cli(t, "", "users", "list", "--json", "--db", db)), &users); err != nil || len(users) != 1 {
		t.Fatalf("users list: %v %v", err, users)
	}
	if users[0]["email"] != "giulia@client.example" || users[0]["role"] != "customer" || users[0]["lang"] != "it" {
		t.Errorf("user = %v", users[0])
	}
	if got := cli(t, "", "users", "list", "--db", db); !strings.Contains(got, "giulia@client.example") {
		t.Errorf("users table:\n%s", got)
	}
	for _, bad := range [][]string{
		{"users", "add", "not-an-address", "--db", db},
		{"users", "add", "x@y.example", "--role", "boss", "--db", db},
		{"users", "add", "x@y.example", "--lang", "fr", "--db", db},
		{"orgs", "add", "X", "--domain", "@bad", "--db", db},
		{"orgs", "add", "NoDomain", "--db", db},
		{"users", "add", "x@y.example", "--org", "Nope", "--db", db},
		{"users", "frobnicate", "--db", db},
	} {
		if err := run(context.Background(), bad[0], bad[1:], strings.NewReader(""), &bytes.Buffer{}); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
	// The refusals say why, and wrote nothing.
	err := run(context.Background(), "orgs", []string{"add", "NoDomain", "--db", db}, strings.NewReader(""), &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "at least one --domain") {
		t.Errorf("orgs add without a domain: %v", err)
	}
	err = run(context.Background(), "users", []string{"add", "x@y.example", "--org", "Nope", "--db", db}, strings.NewReader(""), &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), `org "Nope" is not known to this desk (known: Replica Client)`) {
		t.Errorf("users add --org of an unknown org: %v", err)
	}
	if got := cli(t, "", "users", "list", "--db", db); strings.Contains(got, "x@y.example") {
		t.Errorf("a refused user was stored:\n%s", got)
	}
	if got := cli(t, "", "orgs", "list", "--db", db); strings.Contains(got, "NoDomain") {
		t.Errorf("a refused org was stored:\n%s", got)
	}
}

// `users passwd` stores a hash of the first stdin line for a known user and
// refuses an empty password or an unknown user.
func TestUsersPasswd(t *testing.T) {
	db := filepath.Join(t.TempDir(), "cli.db")
	cli(t, "", "users", "add", "agent@desk.example", "--role", "agent", "--db", db)
	cli(t, "a long passphrase\n", "users", "passwd", "Agent@desk.example", "--db", db)
	for _, bad := range []struct{ stdin, email string }{
		{"", "agent@desk.example"},
		{"\n", "agent@desk.example"},
		{"secret\n", "nobody@desk.example"},
	} {
		if err := run(context.Background(), "users", []string{"passwd", bad.email, "--db", db},
			strings.NewReader(bad.stdin), &bytes.Buffer{}); err == nil {
			t.Errorf("users passwd %s < %q accepted", bad.email, bad.stdin)
		}
	}
	st, err := store.Open(context.Background(), db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	hash, found, err := st.PasswordHash(context.Background(), "agent@desk.example")
	if err != nil || !found || !strings.HasPrefix(hash, "pbkdf2-sha256$600000$") || strings.Contains(hash, "passphrase") {
		t.Errorf("stored %q, %v, %v; want a pbkdf2-sha256 hash", hash, found, err)
	}
}
