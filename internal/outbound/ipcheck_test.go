package outbound_test

import (
	"errors"
	"net/netip"
	"strings"
	"testing"

	"github.com/allyprm/ally/internal/outbound"
)

func TestCheckIPRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		addr   string
		reason string // a substring of BlockedError.Reason
	}{
		{"127.0.0.1", "loopback"},
		{"127.255.255.254", "loopback"},
		{"::1", "loopback"},
		{"10.1.2.3", "private"},
		{"172.16.0.1", "private"},
		{"172.31.255.255", "private"},
		{"192.168.1.1", "private"},
		{"fc00::1", "private"},
		{"fd12:3456::1", "private"},
		{"169.254.1.1", "link-local"},
		{"fe80::1", "link-local"},
		{"fe80::1%eth0", "link-local"},
		{"100.64.0.1", "carrier-grade NAT"},
		{"100.127.255.255", "carrier-grade NAT"},
		{"0.0.0.0", "unspecified"},
		{"0.1.2.3", "unspecified"},
		{"::", "unspecified"},
		{"224.0.0.1", "multicast"},
		{"239.255.255.250", "multicast"},
		{"ff02::1", "multicast"},
		{"ff0e::1", "multicast"},
		{"255.255.255.255", "broadcast"},
		{"240.0.0.1", "reserved"},
		{"169.254.169.254", "metadata"},
		{"fd00:ec2::254", "metadata"},
		{"100.100.100.200", "metadata"},
		{"198.18.0.1", "benchmarking"},
		{"198.19.255.255", "benchmarking"},
		{"192.0.2.1", "documentation"},
		{"198.51.100.7", "documentation"},
		{"203.0.113.9", "documentation"},
		{"2001:db8::1", "documentation"},
		{"::ffff:127.0.0.1", "IPv4-mapped IPv6 of loopback"},
		{"::ffff:10.0.0.1", "IPv4-mapped IPv6 of private"},
		{"::ffff:169.254.169.254", "IPv4-mapped IPv6 of cloud metadata"},
		{"::ffff:100.64.0.1", "IPv4-mapped IPv6 of carrier-grade NAT"},
		{"::ffff:0.0.0.0", "IPv4-mapped IPv6 of unspecified"},
		{"::127.0.0.1", "IPv4-compatible"},
		{"64:ff9b::7f00:1", "NAT64 of loopback"},
		{"64:ff9b::10.0.0.1", "NAT64 of private"},
		{"64:ff9b::169.254.169.254", "NAT64 of cloud metadata"},
		{"64:ff9b:1::1", "local-use NAT64"},
		{"2002:7f00:1::1", "6to4 of loopback"},
		{"2002:c0a8:101::1", "6to4 of private"},
		{"2001:0:4136:e378:8000:63bf:f5ff:fffe", "Teredo client private"}, // client 10.0.0.1
		{"2001:0:a00:1::1", "Teredo server private"},
		{"fec0::1", "site-local"},
		{"100::1", "discard-only"},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			t.Parallel()
			ip := netip.MustParseAddr(tt.addr)
			err := outbound.CheckIP(ip)
			var be *outbound.BlockedError
			if !errors.As(err, &be) {
				t.Fatalf("CheckIP(%s) = %v, want *BlockedError", tt.addr, err)
			}
			if !strings.Contains(be.Reason, tt.reason) {
				t.Errorf("CheckIP(%s) reason = %q, want it to mention %q", tt.addr, be.Reason, tt.reason)
			}
			if be.Addr != ip || !strings.Contains(err.Error(), ip.String()) {
				t.Errorf("error %q does not name the address %s", err, ip)
			}
		})
	}
}

func TestCheckIPAllowsPublic(t *testing.T) {
	t.Parallel()
	for _, addr := range []string{
		"1.1.1.1",
		"8.8.8.8",
		"93.184.215.14",
		"172.15.255.255", // just outside 172.16/12
		"172.32.0.0",
		"100.63.255.255", // just outside 100.64/10
		"100.128.0.0",
		"169.253.255.255",
		"198.17.255.255", // just outside 198.18/15
		"2606:4700:4700::1111",
		"2a00:1450:4001:80b::200e",
		"::ffff:8.8.8.8",
		"64:ff9b::8.8.8.8", // NAT64 of a public address is how v6-only hosts reach v4
		"2002:808:808::1",  // 6to4 of 8.8.8.8
	} {
		if err := outbound.CheckIP(netip.MustParseAddr(addr)); err != nil {
			t.Errorf("CheckIP(%s) = %v, want nil", addr, err)
		}
	}
	if err := outbound.CheckIP(netip.Addr{}); err == nil {
		t.Error("CheckIP(zero Addr) = nil, want refusal")
	}
}
