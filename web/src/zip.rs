//! A minimal ZIP writer: stored entries (no compression), CRC-32, UTF-8 names, Unix modes.
//! Enough for a handful of small text files, in a few hundred bytes of wasm instead of a
//! compression library. Every archive tool reads it (APPNOTE.TXT 4.3: local headers, a
//! central directory, an end record).

/// One file to put into the archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry<'a> {
    /// Path inside the archive, `/`-separated, no leading `/`.
    pub name: &'a str,
    /// The bytes.
    pub data: &'a [u8],
    /// Unix permission bits (`0o600` for files with credentials).
    pub mode: u32,
}

const CRC_TABLE: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
            k += 1;
        }
        table[i] = c;
        i += 1;
    }
    table
};

/// CRC-32 (IEEE 802.3), as ZIP, gzip and PNG use it.
pub fn crc32(data: &[u8]) -> u32 {
    !data.iter().fold(!0u32, |c, &b| CRC_TABLE[((c ^ u32::from(b)) & 0xFF) as usize] ^ (c >> 8))
}

/// 1980-01-01 00:00, the earliest DOS date: the page has no clock it should trust.
const DOS_TIME: u16 = 0;
const DOS_DATE: u16 = (1 << 5) | 1;
/// Bit 11: names are UTF-8.
const FLAG_UTF8: u16 = 1 << 11;
/// Version 2.0 of the format; made by "Unix" (3), so the modes are honoured.
const VERSION: u16 = 20;
const MADE_BY_UNIX: u16 = (3 << 8) | VERSION;
const S_IFREG: u32 = 0o100_000;

/// The archive, or `None` when it would exceed what a plain (non-ZIP64) archive holds
/// (65535 entries, 4 GiB): far beyond a page's few files.
pub fn write(entries: &[Entry<'_>]) -> Option<Vec<u8>> {
    let count = u16::try_from(entries.len()).ok()?;
    let mut out = Vec::new();
    let mut central = Vec::new();
    for e in entries {
        let offset = u32::try_from(out.len()).ok()?;
        let size = u32::try_from(e.data.len()).ok()?;
        let name_len = u16::try_from(e.name.len()).ok()?;
        let crc = crc32(e.data);

        put32(&mut out, 0x0403_4B50);
        put16(&mut out, VERSION);
        common(&mut out, crc, size, name_len);
        put16(&mut out, 0); // extra field length
        out.extend_from_slice(e.name.as_bytes());
        out.extend_from_slice(e.data);

        put32(&mut central, 0x0201_4B50);
        put16(&mut central, MADE_BY_UNIX);
        put16(&mut central, VERSION);
        common(&mut central, crc, size, name_len);
        put16(&mut central, 0); // extra field length
        put16(&mut central, 0); // comment length
        put16(&mut central, 0); // disk number
        put16(&mut central, 0); // internal attributes
        put32(&mut central, (S_IFREG | (e.mode & 0o7777)) << 16);
        put32(&mut central, offset);
        central.extend_from_slice(e.name.as_bytes());
    }
    let central_offset = u32::try_from(out.len()).ok()?;
    let central_size = u32::try_from(central.len()).ok()?;
    out.extend_from_slice(&central);
    put32(&mut out, 0x0605_4B50);
    put16(&mut out, 0); // this disk
    put16(&mut out, 0); // disk with the central directory
    put16(&mut out, count);
    put16(&mut out, count);
    put32(&mut out, central_size);
    put32(&mut out, central_offset);
    put16(&mut out, 0); // comment length
    u32::try_from(out.len()).ok()?;
    Some(out)
}

/// Flags, method, time, date, CRC, sizes, name length: the same in both headers.
fn common(out: &mut Vec<u8>, crc: u32, size: u32, name_len: u16) {
    put16(out, FLAG_UTF8);
    put16(out, 0); // method: stored
    put16(out, DOS_TIME);
    put16(out, DOS_DATE);
    put32(out, crc);
    put32(out, size); // compressed
    put32(out, size); // uncompressed
    put16(out, name_len);
}

fn put16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bit by bit, without the table: an independent CRC-32.
    fn crc32_slow(data: &[u8]) -> u32 {
        let mut c = !0u32;
        for &b in data {
            c ^= u32::from(b);
            for _ in 0..8 {
                c = if c & 1 == 1 { (c >> 1) ^ 0xEDB8_8320 } else { c >> 1 };
            }
        }
        !c
    }

    fn u16_at(b: &[u8], at: usize) -> usize {
        usize::from(u16::from_le_bytes([b[at], b[at + 1]]))
    }

    fn u32_at(b: &[u8], at: usize) -> u32 {
        u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
    }

    /// (name, data, mode) of every entry, read through the central directory and
    /// checked against its local header, like an unzip tool does.
    fn read(zip: &[u8]) -> Vec<(String, Vec<u8>, u32)> {
        let end = zip.len() - 22;
        assert_eq!(u32_at(zip, end), 0x0605_4B50, "end record");
        let count = u16_at(zip, end + 10);
        assert_eq!(count, u16_at(zip, end + 8));
        let mut at = u32_at(zip, end + 16) as usize;
        assert_eq!(at + u32_at(zip, end + 12) as usize, end, "central directory size");
        let mut out = Vec::new();
        for _ in 0..count {
            assert_eq!(u32_at(zip, at), 0x0201_4B50, "central header");
            assert_eq!(u16_at(zip, at + 8) & 0x0800, 0x0800, "UTF-8 flag");
            assert_eq!(u16_at(zip, at + 10), 0, "stored");
            let crc = u32_at(zip, at + 16);
            let size = u32_at(zip, at + 20) as usize;
            assert_eq!(size, u32_at(zip, at + 24) as usize);
            let name_len = u16_at(zip, at + 28);
            let mode = (u32_at(zip, at + 38) >> 16) & 0o7777;
            let local = u32_at(zip, at + 42) as usize;
            let name = String::from_utf8(zip[at + 46..at + 46 + name_len].to_vec()).unwrap();
            assert_eq!(u32_at(zip, local), 0x0403_4B50, "local header of {name}");
            assert_eq!(u32_at(zip, local + 14), crc, "local CRC of {name}");
            assert_eq!(&zip[local + 30..local + 30 + name_len], name.as_bytes());
            let start = local + 30 + name_len + u16_at(zip, local + 28);
            let data = zip[start..start + size].to_vec();
            assert_eq!(crc32_slow(&data), crc, "CRC of {name}");
            out.push((name, data, mode));
            at += 46 + name_len;
        }
        out
    }

    #[test]
    fn crc32_known_values() {
        assert_eq!(crc32(b""), 0);
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b"The quick brown fox jumps over the lazy dog"), 0x414F_A339);
        let bytes: Vec<u8> = (0..=255u8).cycle().take(5000).collect();
        assert_eq!(crc32(&bytes), crc32_slow(&bytes));
    }

    #[test]
    fn archive_reads_back_with_names_contents_crcs_and_modes() {
        let files = [
            ("etc/containerd/config.toml", "version = 2\n", 0o600),
            ("etc/containerd/certs.d/10.50.1.104:5000/hosts.toml", "server = \"http://10.50.1.104:5000\"\n", 0o644),
            ("k8s/默认-secret.yaml", "kind: Secret\n", 0o600),
            ("empty", "", 0o644),
        ];
        let entries: Vec<Entry> =
            files.iter().map(|(n, d, m)| Entry { name: n, data: d.as_bytes(), mode: *m }).collect();
        let zip = write(&entries).unwrap();
        let back = read(&zip);
        assert_eq!(back.len(), files.len());
        for ((name, data, mode), (n, d, m)) in back.iter().zip(files) {
            assert_eq!((name.as_str(), data.as_slice(), *mode), (n, d.as_bytes(), m));
        }
    }

    #[test]
    fn an_empty_archive_is_just_the_end_record() {
        let zip = write(&[]).unwrap();
        assert_eq!(zip.len(), 22);
        assert!(read(&zip).is_empty());
    }

    /// Python's zipfile, an independent reader, checks every CRC and lists the names.
    #[test]
    fn python_zipfile_accepts_it() {
        let zip = write(&[
            Entry { name: "etc/containerd/config.toml", data: b"[plugins]\n", mode: 0o644 },
            Entry { name: "k8s/regcred.yaml", data: "apiVersion: v1\n# 中文\n".as_bytes(), mode: 0o600 },
        ])
        .unwrap();
        let path = std::env::temp_dir().join(format!("pullfix-web-zip-test-{}.zip", std::process::id()));
        std::fs::write(&path, &zip).unwrap();
        let script = "import sys, zipfile\n\
                      z = zipfile.ZipFile(sys.argv[1])\n\
                      assert z.testzip() is None\n\
                      for i in z.infolist(): print(i.filename, oct(i.external_attr >> 16), z.read(i).decode())\n";
        let out = std::process::Command::new("python3").arg("-c").arg(script).arg(&path).output();
        std::fs::remove_file(&path).ok();
        let out = out.expect("python3 runs (scripts/setup.sh needs it too)");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(
            String::from_utf8(out.stdout).unwrap(),
            "etc/containerd/config.toml 0o100644 [plugins]\n\nk8s/regcred.yaml 0o100600 apiVersion: v1\n# 中文\n\n"
        );
    }
}
