package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeTestCerts writes, in dir, a CA, a server certificate it signed for
// localhost and 127.0.0.1 with its key, and a self-signed certificate with
// its key; it gives their paths in that order.
func writeTestCerts(t *testing.T, dir string) []string {
	t.Helper()
	now := time.Now()
	tmpl := func(serial int64, ca bool) *x509.Certificate {
		c := &x509.Certificate{
			SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: "localhost"},
			NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
			KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
			DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		}
		if ca {
			c.Subject.CommonName, c.DNSNames, c.IPAddresses, c.ExtKeyUsage = "Test CA", nil, nil, nil
			c.IsCA, c.BasicConstraintsValid = true, true
			c.KeyUsage |= x509.KeyUsageCertSign
		}
		return c
	}
	var paths []string
	write := func(name, typ string, der []byte) {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	key := func() (*ecdsa.PrivateKey, []byte) {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		der, err := x509.MarshalPKCS8PrivateKey(k)
		if err != nil {
			t.Fatal(err)
		}
		return k, der
	}
	cert := func(tm, parent *x509.Certificate, pub, priv any) []byte {
		der, err := x509.CreateCertificate(rand.Reader, tm, parent, pub, priv)
		if err != nil {
			t.Fatal(err)
		}
		return der
	}
	caKey, _ := key()
	caTmpl := tmpl(1, true)
	caDER := cert(caTmpl, caTmpl, &caKey.PublicKey, caKey)
	caCert, _ := x509.ParseCertificate(caDER)
	write("ca.pem", "CERTIFICATE", caDER)
	srvKey, srvDER := key()
	write("cert.pem", "CERTIFICATE", cert(tmpl(2, false), caCert, &srvKey.PublicKey, caKey))
	write("key.pem", "PRIVATE KEY", srvDER)
	selfKey, selfDER := key()
	write("self.pem", "CERTIFICATE", cert(tmpl(3, false), tmpl(3, false), &selfKey.PublicKey, selfKey))
	write("selfkey.pem", "PRIVATE KEY", selfDER)
	return paths
}

// TestTLSScripts runs testdata/tls/_*.ys, which need certificates a script
// cannot make, with the paths of fresh ones as arguments (see the scripts'
// "# args:" lines for their order).
func TestTLSScripts(t *testing.T) {
	certs := writeTestCerts(t, t.TempDir())
	scripts, err := filepath.Glob(filepath.Join(testdataDir, "tls", "_*.ys"))
	if err != nil || len(scripts) == 0 {
		t.Fatalf("no TLS scripts found: %v", err)
	}
	for _, path := range scripts {
		t.Run(filepath.Base(path), func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			exp, err := parseExpectations(string(src))
			if err != nil {
				t.Fatal(err)
			}
			code, stdout, stderr, failure := runScript(path, exp.flags, certs)
			if failure != "" {
				t.Fatalf("%s: %s", path, failure)
			}
			if problems := checkResult(path, exp, code, stdout, stderr); len(problems) > 0 {
				t.Errorf("%s: exit status %d, want %d\n%s\n--- stdout (- want, + got):\n%s--- stderr:\n%s",
					path, code, exp.wantExit(), strings.Join(problems, "\n"),
					lineDiff(exp.stdout, stdoutLines(stdout)), stderr)
			}
		})
	}
}

// TestExampleHTTPSFetch runs examples/https_fetch.ys against a local HTTPS
// server (Go's) with a certificate from a test CA.
func TestExampleHTTPSFetch(t *testing.T) {
	certs := writeTestCerts(t, t.TempDir())
	pair, err := tls.LoadX509KeyPair(certs[1], certs[2])
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "<html><head><TITLE>\n  A test page </TITLE></head><body>hi</body></html>")
	}))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{pair}}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake below
	srv.StartTLS()
	defer srv.Close()
	url := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1) + "/page"
	code, stdout, stderr, failure := runScript("../../examples/https_fetch.ys", nil, []string{url, certs[0]})
	if failure != "" || code != 0 {
		t.Fatalf("exit %d %s\n%s", code, failure, stderr)
	}
	if want := "status: 200\ntitle: A test page\n"; stdout != want {
		t.Errorf("got %q, want %q", stdout, want)
	}
	// Without the CA the system roots do not trust the server.
	code, _, stderr, _ = runScript("../../examples/https_fetch.ys", nil, []string{url})
	if code != 1 || !strings.Contains(stderr, "tls: TLS handshake with") {
		t.Errorf("without the CA: exit %d, stderr %q", code, stderr)
	}
}
