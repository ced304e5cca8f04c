package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/emersion/go-smtp"

	"postdesk/gateway"
)

// The read commands read the file a running desk holds open, and see what
// it committed; the desk goes on taking mail after them.
func TestReadCommandsBesideRunningDesk(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "desk.db")
	cfg, err := gateway.LoadConfig("")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Database.Path = db
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	d, err := gateway.Start(ctx, cfg, deps(), ln)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close(ctx)
	send := func(msgID string) {
		t.Helper()
		mail := strings.Replace(mailWithAttachment, "cli1@client.example", msgID, 1)
		c, err := smtp.Dial(d.Addr())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if err := c.SendMail("anna@client.example", []string{"support@localhost"}, strings.NewReader(mail)); err != nil {
			t.Fatalf("send %s: %v", msgID, err)
		}
		c.Quit()
	}
	send("run1@client.example")

	var list []map[string]any
	if err := json.Unmarshal([]byte(cli(t, "", "tickets", "--db", db, "--json")), &list); err != nil || len(list) != 1 {
		t.Fatalf("tickets --json beside the desk: %v, %v", list, err)
	}
	var tk map[string]any
	if err := json.Unmarshal([]byte(cli(t, "", "show", "TKT-1", "--db", db, "--json")), &tk); err != nil ||
		tk["ref"] != "TKT-1" {
		t.Fatalf("show --json beside the desk: %v, %v", tk, err)
	}
	if got := cli(t, "", "outbox", "--db", db); !strings.Contains(got, "TKT-1  ack") {
		t.Errorf("outbox beside the desk:\n%s", got)
	}
	if got := cli(t, "", "outbox", "show", "1", "--db", db); !strings.Contains(got, "outbox 1: pending ack mail of TKT-1") {
		t.Errorf("outbox show beside the desk:\n%s", got)
	}
	if got := cli(t, "", "outbox", "bounced", "--db", db); !strings.Contains(got, "(no address has bounced)") {
		t.Errorf("outbox bounced beside the desk:\n%s", got)
	}
	if got := cli(t, "", "users", "list", "--db", db); !strings.HasPrefix(got, "EMAIL") {
		t.Errorf("users list beside the desk:\n%s", got)
	}
	if got := cli(t, "", "orgs", "list", "--json", "--db", db); strings.TrimSpace(got) != "[]" {
		t.Errorf("orgs list beside the desk: %s", got)
	}
	// The desk still commits, and a reader sees it.
	send("run2@client.example")
	if got := cli(t, "", "tickets", "--db", db); !strings.Contains(got, "TKT-2") {
		t.Errorf("tickets after a second mail:\n%s", got)
	}
}

// A database path that names no file is an error for every command that
// must not create one, and no file appears; users and orgs add may come
// before the first serve and create it.
func TestMissingDatabaseRefused(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "typo.db")
	for _, args := range [][]string{
		{"tickets"}, {"tickets", "--json"}, {"show", "TKT-1"}, {"show", "TKT-1", "--json"},
		{"outbox"}, {"outbox", "show", "1"}, {"outbox", "retry", "1"}, {"outbox", "bounced"},
		{"users", "list"}, {"orgs", "list", "--json"}, {"users", "passwd", "a@b.example"},
		{"set", "TKT-1", "--status", "closed"},
	} {
		err := run(context.Background(), args[0], append(args[1:], "--db", db), strings.NewReader("pw\n"), &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), "no database at "+db) {
			t.Errorf("postdesk %v on a missing file: %v, want an error naming it", args, err)
		}
		if _, serr := os.Stat(db); !errors.Is(serr, os.ErrNotExist) {
			t.Fatalf("postdesk %v created %s", args, db)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("files left in the directory: %v", entries)
	}
	cli(t, "", "orgs", "add", "Acme", "--domain", "acme.example", "--db", db)
	if got := cli(t, "", "orgs", "list", "--db", db); !strings.Contains(got, "acme.example") {
		t.Errorf("orgs add on a new database:\n%s", got)
	}
}

// deliver takes the config's users and orgs: on Replica (registered users
// only) the registered customer opens a ticket on a fresh database, and the
// list commands show the config's people.
func TestDeliverLoadsConfigPeople(t *testing.T) {
	db := filepath.Join(t.TempDir(), "rpl.db")
	conf := "../../examples/replica.toml"
	mail := "From: Giulia Rossi <giulia.rossi@cliente.example>\r\nTo: support@replica.example\r\n" +
		"Subject: Portale non risponde\r\nMessage-ID: <g1@cliente.example>\r\n\r\nIl portale non risponde.\r\n"
	if got := cli(t, mail, "deliver", "--config", conf, "--db", db, "--from", "giulia.rossi@cliente.example"); got != "RPL-1\n" {
		t.Fatalf("deliver of a registered user printed %q", got)
	}
	var users []map[string]any
	if err := json.Unmarshal([]byte(cli(t, "", "users", "list", "--json", "--config", conf, "--db", db)), &users); err != nil ||
		len(users) != 1 || users[0]["email"] != "giulia.rossi@cliente.example" || users[0]["org"] != "Cliente SpA" {
		t.Errorf("users list --config: %v, %v", users, err)
	}
	// users add --org takes an organisation of the config.
	cli(t, "", "users", "add", "marco@cliente.example", "--org", "Cliente SpA", "--config", conf, "--db", db)
	if got := cli(t, "", "orgs", "list", "--config", conf, "--db", db); !strings.Contains(got, "cliente.example") {
		t.Errorf("orgs list --config:\n%s", got)
	}
}

// The config's people show in the lists over the database's, as the desk
// would load them, even before serve or deliver has written them.
func TestListsShowConfigPeopleOverStored(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "desk.db")
	cli(t, "", "orgs", "add", "Old", "--domain", "shared.example", "--domain", "old.example", "--db", db)
	cli(t, "", "users", "add", "p@old.example", "--name", "Stored Name", "--db", db)
	conf := filepath.Join(dir, "people.toml")
	if err := os.WriteFile(conf, []byte(`[[users]]
email = "P@old.example"
name = "Config Name"
role = "agent"

[[orgs]]
name = "New"
domains = ["shared.example"]
`), 0o600); err != nil {
		t.Fatal(err)
	}
	var users []map[string]any
	if err := json.Unmarshal([]byte(cli(t, "", "users", "list", "--json", "--config", conf, "--db", db)), &users); err != nil ||
		len(users) != 1 || users[0]["name"] != "Config Name" || users[0]["role"] != "agent" {
		t.Errorf("users list: %v, %v", users, err)
	}
	var orgs []map[string]any
	if err := json.Unmarshal([]byte(cli(t, "", "orgs", "list", "--json", "--config", conf, "--db", db)), &orgs); err != nil ||
		len(orgs) != 2 {
		t.Fatalf("orgs list: %v, %v", orgs, err)
	}
	if doms, _ := orgs[0]["domains"].([]any); orgs[0]["name"] != "New" || len(doms) != 1 || doms[0] != "shared.example" {
		t.Errorf("config org: %v", orgs[0])
	}
	if doms, _ := orgs[1]["domains"].([]any); orgs[1]["name"] != "Old" || len(doms) != 1 || doms[0] != "old.example" {
		t.Errorf("stored org after the config took its domain: %v", orgs[1])
	}
}
