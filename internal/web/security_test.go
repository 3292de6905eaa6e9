package web_test

import (
	"testing"

	"github.com/allyprm/ally/internal/web"
)

func TestSafeNext(t *testing.T) {
	tests := []struct{ next, want string }{
		{"/admin/partners?status=active", "/admin/partners?status=active"},
		{"/admin/", "/admin/"},
		{"", "/admin/"},
		{"//evil.example", "/admin/"},
		{"/\\evil.example", "/admin/"},
		{"/a/../\\evil", "/admin/"},
		{"/admin/../partner/", "/admin/"},
		{"https:evil.example", "/admin/"},
		{"https://evil.example/admin/", "/admin/"},
		{"javascript:alert(1)", "/admin/"},
		{"/admin/%2f%2fevil", "/admin/"},
		{"/admin\\@evil", "/admin/"},
		{"/partner/", "/admin/"},
		{"/adminx", "/admin/"},
		{"/admin/x\r\nLocation: //evil", "/admin/"},
	}
	for _, tt := range tests {
		if got := web.SafeNext(tt.next, "/admin/", "/admin/"); got != tt.want {
			t.Errorf("SafeNext(%q) = %q, want %q", tt.next, got, tt.want)
		}
	}
}
