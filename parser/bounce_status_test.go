package parser

import "testing"

func TestFindStatus(t *testing.T) {
	tests := []struct{ text, want string }{
		{"550 5.1.1 <a@b.example>... User Unknown", "5.1.1"},
		{"550-5.7.26 Unauthenticated email ... 550 5.7.26 https://support.google.com", "5.7.26"},
		{"host 192.0.2.153 said: 550 User unknown", ""},                    // an IPv4 address is no code
		{"Resources temporarily unavailable [#4.1.9].", "4.1.9"},           // qmail's "#"
		{"554 5.0.0 Service unavailable; 550 5.1.2 Host unknown", "5.1.2"}, // X.0.0 gives way
		{"451 4.4.7 expired; <421 4.4.2 Connection timed out>", "4.4.2"},   // 4.4.7 gives way
		{"v5.5.1 of the server", ""},                                       // a version
		{"550 5.7.509 Access denied", "5.7.509"},
		{"code 5.1.1234 is none", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := findStatus(tt.text); got != tt.want {
			t.Errorf("findStatus(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestPreferStatus(t *testing.T) {
	tests := []struct{ field, text, reply, want string }{
		{"5.1.1", "", "", "5.1.1"},
		{"", "5.2.2", "", "5.2.2"},
		{"5.0.0", "5.1.1", "550", "5.1.1"}, // the field says nothing specific
		{"5.1.1", "5.2.2", "552", "5.2.2"}, // 5.1.1 gives way to a specific text code
		{"5.1.1", "5.1.0", "550", "5.1.1"}, // but not to a vaguer one
		{"4.4.7", "5.1.1", "", "5.1.1"},
		{"5.2.2", "4.2.2", "450", "4.2.2"}, // the reply code settles the class
		{"5.7.1", "5.7.9", "", "5.7.1"},
	}
	for _, tt := range tests {
		if got := preferStatus(tt.field, tt.text, tt.reply); got != tt.want {
			t.Errorf("preferStatus(%q, %q, %q) = %q, want %q", tt.field, tt.text, tt.reply, got, tt.want)
		}
	}
}

func TestFindReply(t *testing.T) {
	tests := []struct{ text, class, want string }{
		{"550 5.1.1 User unknown", "", "550"},
		{"host said: 421 4.4.2 timed out", "", "421"},
		{"host said: 421 4.4.2 timed out", "5", ""},
		{"mx.example.jp[192.0.2.550] 5550 x", "", ""},
		{"X-Unix; 255", "", ""},
	}
	for _, tt := range tests {
		if got := findReply(tt.text, tt.class); got != tt.want {
			t.Errorf("findReply(%q, %q) = %q, want %q", tt.text, tt.class, got, tt.want)
		}
	}
}

func TestInternalStatusAndHard(t *testing.T) {
	tests := []struct {
		reason    string
		temporary bool
		status    string
		hard      bool
	}{
		{"userunknown", false, "5.0.911", true},
		{"userunknown", true, "5.0.911", true}, // never temporary
		{"hostunknown", false, "5.0.912", true},
		{"hasmoved", false, "5.0.916", true},
		{"mailboxfull", false, "5.0.922", false},
		{"mailboxfull", true, "4.0.922", false},
		{"filtered", false, "5.0.910", false},
		{"filtered", true, "4.0.924", false},
		{"expired", true, "4.0.947", false},
		{"rejected", false, "5.0.918", false},
		{"notaccept", false, "5.0.932", true},
		{"onhold", false, "5.0.901", false},
		{"nonsense", false, "", false},
	}
	for _, tt := range tests {
		if got := internalStatus(tt.reason, tt.temporary); got != tt.status {
			t.Errorf("internalStatus(%q, %v) = %q, want %q", tt.reason, tt.temporary, got, tt.status)
		}
		if got := isHard(tt.reason, tt.status); got != tt.hard {
			t.Errorf("isHard(%q, %q) = %v, want %v", tt.reason, tt.status, got, tt.hard)
		}
	}
	// A host that accepts no mail is hard only when the failure is not temporary.
	if isHard("notaccept", "421 4.3.2 System not accepting network messages, try again later") {
		t.Error("isHard(notaccept, 4.3.2) = true, want false")
	}
}
