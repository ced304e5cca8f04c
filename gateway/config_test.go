package gateway

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

const exampleConfig = "../testdata/config/postdesk.toml"

// The example config names every key with its default, and README.md shows
// the same file, so neither can drift from the code.
func TestExampleConfigIsTheDefaults(t *testing.T) {
	cfg, err := LoadConfig(exampleConfig)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(cfg, DefaultConfig()) {
		t.Fatalf("example config differs from DefaultConfig:\n%+v\n%+v", cfg, DefaultConfig())
	}
	example, _ := os.ReadFile(exampleConfig)
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	block := regexp.MustCompile("(?s)```toml\n(.*?)```").FindSubmatch(readme)
	if block == nil || string(block[1]) != string(example) {
		t.Fatal("README.md's ```toml block is not testdata/config/postdesk.toml")
	}
	// Every key of Config appears in the example.
	top, _, _ := strings.Cut(string(example), "\n[")
	for _, key := range tomlKeys(reflect.TypeOf(Config{}), "") {
		section, name, dotted := strings.Cut(key, ".")
		if !dotted {
			if !regexp.MustCompile(`(?m)^` + key + ` = `).MatchString(top) {
				t.Errorf("example config lacks top-level %s before its first table", key)
			}
			continue
		}
		if !regexp.MustCompile(`(?ms)^\[` + section + `\].*?^` + name + ` = `).Match(example) {
			t.Errorf("example config lacks %s", key)
		}
	}
}

func tomlKeys(t reflect.Type, prefix string) []string {
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		name := prefix + f.Tag.Get("toml")
		if f.Type.Kind() == reflect.Struct && f.Type.PkgPath() == reflect.TypeOf(Config{}).PkgPath() {
			out = append(out, tomlKeys(f.Type, name+".")...)
		} else {
			out = append(out, name)
		}
	}
	return out
}

func TestConfigErrorsNameTheKey(t *testing.T) {
	for _, tc := range []struct{ toml, want string }{
		{"[desk]\nprefx = \"X\"\n", "unknown key desk.prefx"},
		{"[desk]\nprefix = \"tk t\"\n", "desk.prefix"},
		{"[desk]\ndomain = \"a b\"\n", "desk.domain"},
		{"[desk]\ndefault_severity = 0\n", "desk.default_severity"},
		{"[smtp]\nlisten = \"nowhere\"\n", "smtp.listen"},
		{"[database]\nsynchronous = \"OFF\"\n", "database.synchronous"},
		{"[relay]\ntls = \"maybe\"\n", "relay.tls"},
		{"[relay]\nusername = \"u\"\n", "relay.username"},
		{"[outbox]\nretry_min = \"2h\"\n", "outbox.retry_min"},
		{"[smtp]\nread_timeout = \"soon\"\n", "read_timeout"},
		{"not toml at all", "postdesk.toml"},
	} {
		path := filepath.Join(t.TempDir(), "postdesk.toml")
		if err := os.WriteFile(path, []byte(tc.toml), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := LoadConfig(path)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want one naming %q", tc.toml, err, tc.want)
		}
	}
}

func TestOverrides(t *testing.T) {
	cfg := DefaultConfig()
	err := Overrides{Listen: "127.0.0.1:2600", DB: "/tmp/x.db", Relay: "mx.example:587", Domain: "help.example"}.Apply(&cfg)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.SMTP.Listen != "127.0.0.1:2600" || cfg.Database.Path != "/tmp/x.db" || cfg.Relay.Host != "mx.example" ||
		cfg.Relay.Port != 587 || cfg.DeskAddress() != "support@help.example" {
		t.Fatalf("overrides not applied: %+v", cfg)
	}
	if err := (Overrides{Relay: "mx.example:smtp"}).Apply(&cfg); err == nil {
		t.Fatal("non-numeric relay port accepted")
	}
}
