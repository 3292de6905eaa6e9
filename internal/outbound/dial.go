package outbound

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
)

// dialer resolves the host itself, checks every address, and then connects
// to the checked address literal. Because nothing resolves the name a second
// time, a DNS answer that changes between check and connect (rebinding)
// cannot redirect the connection to a refused address.
type dialer struct {
	net      net.Dialer
	resolver *net.Resolver
	allow    map[string]bool // "host" (any port) or "host:port", lower case
}

func newAllowSet(hosts []string) map[string]bool {
	set := make(map[string]bool, len(hosts))
	for _, h := range hosts {
		h = strings.TrimSpace(h)
		if host, port, err := net.SplitHostPort(h); err == nil {
			set[net.JoinHostPort(normHost(host), port)] = true
			continue
		}
		set[normHost(strings.Trim(h, "[]"))] = true
	}
	return set
}

// normHost makes "Example.COM." and "example.com" compare equal, and writes
// IP literals in their canonical form so "::1" and "0:0::1" match.
func normHost(h string) string {
	if ip, err := netip.ParseAddr(h); err == nil {
		return ip.WithZone("").String()
	}
	return strings.TrimSuffix(strings.ToLower(h), ".")
}

func (d *dialer) allowed(host, port string) bool {
	h := normHost(host)
	return d.allow[h] || d.allow[net.JoinHostPort(h, port)]
}

func (d *dialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("outbound: bad address %q: %w", addr, err)
	}
	ips, err := d.resolve(ctx, network, host)
	if err != nil {
		return nil, err
	}
	if !d.allowed(host, port) {
		// Refuse the name if any answer is refused: a public name that also
		// points inside is a rebinding attempt or a mistake, never normal.
		for _, ip := range ips {
			if reason := blockReason(ip); reason != "" {
				return nil, &BlockedError{Host: host, Addr: ip, Reason: reason}
			}
		}
	}
	var errs []error
	for _, ip := range ips {
		c, err := d.net.DialContext(ctx, network, net.JoinHostPort(ip.String(), port))
		if err == nil {
			return c, nil
		}
		errs = append(errs, err)
		if ctx.Err() != nil {
			break
		}
	}
	return nil, errors.Join(errs...)
}

func (d *dialer) resolve(ctx context.Context, network, host string) ([]netip.Addr, error) {
	if ip, err := netip.ParseAddr(host); err == nil {
		return []netip.Addr{ip.Unmap()}, nil
	}
	family := "ip"
	switch network {
	case "tcp4":
		family = "ip4"
	case "tcp6":
		family = "ip6"
	}
	ips, err := d.resolver.LookupNetIP(ctx, family, host)
	if err != nil {
		return nil, fmt.Errorf("outbound: resolve %s: %w", host, err)
	}
	if len(ips) == 0 {
		return nil, fmt.Errorf("outbound: resolve %s: no addresses", host)
	}
	for i, ip := range ips {
		// The resolver may hand back IPv4 answers in ::ffff: form.
		ips[i] = ip.Unmap()
	}
	return ips, nil
}
