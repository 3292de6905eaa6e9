package outbound

import (
	"fmt"
	"net/netip"
)

// BlockedError says which address an outbound call was refused for and why,
// so a delivery log can show the admin what to fix (or allow).
type BlockedError struct {
	Host   string     // the host name or literal from the URL
	Addr   netip.Addr // the address it was, or resolved to
	Reason string     // e.g. "loopback", "IPv4-mapped IPv6 of private (10.0.0.0/8)"
}

func (e *BlockedError) Error() string {
	if e.Host == "" || e.Host == e.Addr.String() {
		return fmt.Sprintf("outbound: refused address %s: %s", e.Addr, e.Reason)
	}
	return fmt.Sprintf("outbound: refused %s (resolved to %s): %s", e.Host, e.Addr, e.Reason)
}

type rule struct {
	prefix netip.Prefix
	reason string
}

// rules lists the ranges an outbound call may never reach unless an admin
// allowed the host. It is built per call so there is no shared mutable table;
// the cost is negligible next to a network round trip. Order matters: the
// first match gives the reason, so specific entries come before their blocks.
func rules() []rule {
	r := func(p, reason string) rule { return rule{netip.MustParsePrefix(p), reason} }
	return []rule{
		r("169.254.169.254/32", "cloud metadata endpoint"),
		r("100.100.100.200/32", "cloud metadata endpoint (Alibaba)"),
		r("fd00:ec2::254/128", "cloud metadata endpoint (AWS IPv6)"),
		r("255.255.255.255/32", "broadcast"),
		r("0.0.0.0/8", "unspecified (this network)"),
		r("10.0.0.0/8", "private (10.0.0.0/8)"),
		r("100.64.0.0/10", "carrier-grade NAT (100.64.0.0/10)"),
		r("127.0.0.0/8", "loopback"),
		r("169.254.0.0/16", "link-local"),
		r("172.16.0.0/12", "private (172.16.0.0/12)"),
		r("192.0.0.0/24", "IETF protocol assignments"),
		r("192.0.2.0/24", "documentation (TEST-NET-1)"),
		r("192.88.99.0/24", "6to4 relay anycast"),
		r("192.168.0.0/16", "private (192.168.0.0/16)"),
		r("198.18.0.0/15", "benchmarking"),
		r("198.51.100.0/24", "documentation (TEST-NET-2)"),
		r("203.0.113.0/24", "documentation (TEST-NET-3)"),
		r("224.0.0.0/4", "multicast"),
		r("240.0.0.0/4", "reserved"),
		r("::/128", "unspecified"),
		r("::1/128", "loopback"),
		r("::/96", "IPv4-compatible IPv6 (deprecated)"),
		r("64:ff9b:1::/48", "local-use NAT64"),
		r("100::/64", "discard-only"),
		r("2001:db8::/32", "documentation"),
		r("3fff::/20", "documentation"),
		r("fc00::/7", "private (unique local fc00::/7)"),
		r("fe80::/10", "link-local"),
		r("fec0::/10", "site-local (deprecated)"),
		r("ff00::/8", "multicast"),
	}
}

// CheckIP returns nil if an outbound connection to ip is acceptable, or a
// *BlockedError naming the reason. IPv6 forms that tunnel to an IPv4 address
// (IPv4-mapped, NAT64 64:ff9b::/96, 6to4 2002::/16, Teredo 2001::/32) are
// judged by the IPv4 address they embed, so ::ffff:127.0.0.1 is loopback.
func CheckIP(ip netip.Addr) error {
	if reason := blockReason(ip); reason != "" {
		return &BlockedError{Addr: ip, Reason: reason}
	}
	return nil
}

func blockReason(ip netip.Addr) string {
	if !ip.IsValid() {
		return "invalid address"
	}
	ip = ip.WithZone("")
	if ip.Is4In6() {
		if r := blockReason(ip.Unmap()); r != "" {
			return "IPv4-mapped IPv6 of " + r
		}
		return ""
	}
	if ip.Is6() {
		b := ip.As16()
		switch {
		case netip.MustParsePrefix("64:ff9b::/96").Contains(ip):
			if r := blockReason(netip.AddrFrom4([4]byte(b[12:16]))); r != "" {
				return "NAT64 of " + r
			}
			return ""
		case netip.MustParsePrefix("2002::/16").Contains(ip):
			if r := blockReason(netip.AddrFrom4([4]byte(b[2:6]))); r != "" {
				return "6to4 of " + r
			}
		case netip.MustParsePrefix("2001::/32").Contains(ip):
			// Teredo: server IPv4 in bits 32–63, client IPv4 inverted in the last 32.
			if r := blockReason(netip.AddrFrom4([4]byte(b[4:8]))); r != "" {
				return "Teredo server " + r
			}
			client := [4]byte{^b[12], ^b[13], ^b[14], ^b[15]}
			if r := blockReason(netip.AddrFrom4(client)); r != "" {
				return "Teredo client " + r
			}
		}
	}
	for _, r := range rules() {
		if r.prefix.Contains(ip) {
			return r.reason
		}
	}
	return ""
}
