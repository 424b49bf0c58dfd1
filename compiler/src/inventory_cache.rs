//! The inventory cache: every inventory file as it was last parsed, in a binary form, so that
//! a YAML inventory is parsed once per change instead of on every run (criterion, for the
//! 1 MB inventory of a 10k-route project: 87 ms to parse, 3.5 ms to hash and decode).
//!
//! Where: `.routec_cache/` in the project root, beside `route.toml`, as Ruff keeps
//! `.ruff_cache/`; it holds a `.gitignore` of `*` and a `CACHEDIR.TAG`, so that neither git
//! nor backup tools pick it up. Rather than a per-user folder (`$XDG_CACHE_HOME/routec`),
//! because an entry belongs to one inventory file of one project: there is one entry per
//! file, replaced when the file changes, so the cache stays the size of the project's
//! inventories however often they are regenerated (a snapshot of live clusters changes on
//! every capture), and deleting the project deletes its cache. A folder without `route.toml`
//! is not a project, and nothing is written into it.
//!
//! An entry (`inventory-<hash of the file's path>.bin`) is the magic bytes, a key, a checksum of the
//! payload and the payload (the [`Inventory`] encoded with `bitcode`). The key hashes
//! ([xxh3-128](xxhash_rust::xxh3)) the cache format version, routec's version, the file name
//! (which decides between JSON and YAML) and the text: an entry is used only for exactly the
//! text it was made from, by the routec that made it.
//!
//! The cache can only make loading faster, never change its outcome:
//! - a missing, truncated, corrupt or foreign entry, or one made for another text or another
//!   version, is a miss: the file is parsed and the entry rewritten;
//! - only inventories that parsed without error are stored, so an error in the file is
//!   always the parser's own, with its line and column, even when an older entry exists;
//! - writing is best effort: a folder that cannot be created or written means no caching;
//! - an entry is written to a temporary file and renamed over the old one, so a concurrent
//!   run reads either the old entry or the new one, never a mix (and a mix would fail the
//!   checksum anyway).

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use route_lang::inventory::{Inventory, InventoryError, parse_inventory};
use xxhash_rust::xxh3::{Xxh3, xxh3_64, xxh3_128};

/// The cache folder's name in the project root.
pub const CACHE_FOLDER: &str = ".routec_cache";

/// Bumped whenever the encoding of an entry changes (the layout below, or the shape of
/// [`Inventory`], which `bitcode` does not describe in its output).
const FORMAT_VERSION: u32 = 1;

/// The first bytes of every entry.
const MAGIC: &[u8; 8] = b"RTCINV\0\0";

/// Magic, key, checksum.
const HEADER_LEN: usize = MAGIC.len() + 16 + 16;

const CACHEDIR_TAG: &str = "Signature: 8a477f597d28d172789f06886806bc55\n\
# This file is a cache directory tag created by routec.\n\
# For information about cache directory tags see https://bford.info/cachedir/\n";

/// The inventory cache of one project.
#[derive(Clone, Debug)]
pub struct InventoryCache {
    folder: PathBuf,
}

impl InventoryCache {
    /// The cache of the project whose root is `root` (nothing is created until an entry is
    /// written).
    pub fn in_project(root: &Path) -> InventoryCache {
        InventoryCache {
            folder: root.join(CACHE_FOLDER),
        }
    }

    /// What [`parse_inventory`] makes of `text`, the contents of the inventory file `path`,
    /// taken from the cache when it holds this text.
    pub fn parse(&self, path: &Path, text: &str) -> Result<Inventory, InventoryError> {
        let file_name = file_name(path);
        let key = key(&file_name, text);
        let entry = self.entry(path);
        if let Some(inventory) = read_entry(&entry, key) {
            return Ok(inventory);
        }
        let inventory = parse_inventory(&file_name, text)?;
        // Best effort: the inventory is right whether or not it could be stored.
        let _ = self.write_entry(&entry, key, &inventory);
        Ok(inventory)
    }

    /// The entry of an inventory file: named after its path, so that each file has one entry
    /// that its next version replaces.
    fn entry(&self, path: &Path) -> PathBuf {
        let path = fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        let hash = xxh3_64(path.as_os_str().as_encoded_bytes());
        self.folder.join(format!("inventory-{hash:016x}.bin"))
    }

    fn write_entry(&self, entry: &Path, key: u128, inventory: &Inventory) -> std::io::Result<()> {
        self.create_folder()?;
        let payload = bitcode::encode(inventory);
        let mut file = tempfile::NamedTempFile::new_in(&self.folder)?;
        file.write_all(MAGIC)?;
        file.write_all(&key.to_le_bytes())?;
        file.write_all(&xxh3_128(&payload).to_le_bytes())?;
        file.write_all(&payload)?;
        file.persist(entry)?;
        Ok(())
    }

    /// Creates the folder with its `.gitignore` and `CACHEDIR.TAG` when it is not there.
    fn create_folder(&self) -> std::io::Result<()> {
        if self.folder.is_dir() {
            return Ok(());
        }
        fs::create_dir_all(&self.folder)?;
        fs::write(self.folder.join(".gitignore"), "# Created by routec.\n*\n")?;
        fs::write(self.folder.join("CACHEDIR.TAG"), CACHEDIR_TAG)
    }
}

/// The name an inventory file's errors are reported under, with or without the cache: its
/// file name.
pub(crate) fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// What an entry must have been made from to be used.
fn key(file_name: &str, text: &str) -> u128 {
    let mut hasher = Xxh3::new();
    hasher.update(&FORMAT_VERSION.to_le_bytes());
    // Lengths first, so that no two (version, name, text) run together into the same bytes.
    for part in [env!("CARGO_PKG_VERSION"), file_name, text] {
        hasher.update(&(part.len() as u64).to_le_bytes());
        hasher.update(part.as_bytes());
    }
    hasher.digest128()
}

/// The inventory an entry holds, if it is whole and was made for `key`.
fn read_entry(entry: &Path, key: u128) -> Option<Inventory> {
    let bytes = fs::read(entry).ok()?;
    let (header, payload) = bytes.split_at_checked(HEADER_LEN)?;
    let (magic, rest) = header.split_at(MAGIC.len());
    let (stored_key, checksum) = rest.split_at(16);
    let matches = magic == MAGIC
        && stored_key == key.to_le_bytes()
        && checksum == xxh3_128(payload).to_le_bytes();
    matches.then(|| bitcode::decode(payload).ok()).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    const YAML: &str = "\
clusters:
  - name: east
    region: us-east1
    namespaces:
      - name: shop
        labels: {team: web}
        services:
          - name: web
            labels: {app: web}
            selector: {app: web}
            ports:
              - {name: http, port: 80, targetPort: 8080, protocol: TCP, appProtocol: http}
              - {name: admin, port: 9000, targetPort: admin}
        workloads:
          - {name: web-v1, kind: Deployment, labels: {app: web, version: v1}, serviceAccount: web}
        serviceAccounts: [default]
";

    struct Fixture {
        _dir: tempfile::TempDir,
        root: PathBuf,
        file: PathBuf,
    }

    fn fixture(text: &str) -> Fixture {
        let dir = tempfile::tempdir().expect("temporary folder");
        let root = dir.path().to_path_buf();
        let file = root.join("inventory.yaml");
        fs::write(&file, text).expect("write the inventory");
        Fixture {
            _dir: dir,
            root,
            file,
        }
    }

    fn entries(root: &Path) -> Vec<PathBuf> {
        let mut entries: Vec<PathBuf> = fs::read_dir(root.join(CACHE_FOLDER))
            .map(|read| read.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        entries.retain(|path| path.extension().is_some_and(|ext| ext == "bin"));
        entries
    }

    #[test]
    fn a_hit_gives_the_inventory_a_fresh_load_gives() {
        let fx = fixture(YAML);
        let cache = InventoryCache::in_project(&fx.root);
        let fresh = parse_inventory("inventory.yaml", YAML).expect("valid");
        assert_eq!(cache.parse(&fx.file, YAML), Ok(fresh.clone()), "miss");
        let [entry] = entries(&fx.root).try_into().expect("one entry");
        assert_eq!(
            read_entry(&entry, key("inventory.yaml", YAML)),
            Some(fresh.clone())
        );
        assert_eq!(cache.parse(&fx.file, YAML), Ok(fresh), "hit");

        let folder = fx.root.join(CACHE_FOLDER);
        let ignore = fs::read_to_string(folder.join(".gitignore")).expect(".gitignore");
        assert!(ignore.lines().any(|line| line == "*"), "{ignore}");
        assert!(folder.join("CACHEDIR.TAG").is_file());
    }

    #[test]
    fn a_hit_is_used_without_parsing() {
        // An entry whose payload differs from what the text parses to proves the text was
        // not parsed: the key alone decides.
        let fx = fixture(YAML);
        let cache = InventoryCache::in_project(&fx.root);
        cache.parse(&fx.file, YAML).expect("valid");
        let [entry] = entries(&fx.root).try_into().expect("one entry");
        let other = Inventory::default();
        cache
            .write_entry(&entry, key("inventory.yaml", YAML), &other)
            .expect("write");
        assert_eq!(cache.parse(&fx.file, YAML), Ok(other));
    }

    #[test]
    fn changing_one_byte_misses_and_replaces_the_entry() {
        let fx = fixture(YAML);
        let cache = InventoryCache::in_project(&fx.root);
        cache.parse(&fx.file, YAML).expect("valid");
        let changed = YAML.replace("port: 80,", "port: 81,");
        let expected = parse_inventory("inventory.yaml", &changed).expect("valid");
        assert_eq!(cache.parse(&fx.file, &changed), Ok(expected.clone()));
        let [entry] = entries(&fx.root).try_into().expect("still one entry");
        assert_eq!(
            read_entry(&entry, key("inventory.yaml", &changed)),
            Some(expected)
        );
        assert_eq!(read_entry(&entry, key("inventory.yaml", YAML)), None);
    }

    #[test]
    fn the_key_covers_the_file_name_and_the_text() {
        let base = key("inventory.yaml", YAML);
        assert_ne!(base, key("inventory.json", YAML));
        assert_ne!(base, key("inventory.yaml", &YAML.replacen('e', "f", 1)));
        assert_ne!(key("ab", "c"), key("a", "bc"));
    }

    #[test]
    fn a_damaged_entry_is_ignored_and_replaced() {
        let fx = fixture(YAML);
        let cache = InventoryCache::in_project(&fx.root);
        let fresh = cache.parse(&fx.file, YAML).expect("valid");
        let [entry] = entries(&fx.root).try_into().expect("one entry");
        let good = fs::read(&entry).expect("entry");

        let mut flipped = good.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 0x55;
        let damaged: [Vec<u8>; 5] = [
            Vec::new(),
            good[..HEADER_LEN - 3].to_vec(),
            good[..good.len() / 2].to_vec(),
            flipped,
            b"not a routec cache entry at all, just some text that is long enough".to_vec(),
        ];
        for bytes in damaged {
            fs::write(&entry, &bytes).expect("damage the entry");
            assert_eq!(cache.parse(&fx.file, YAML), Ok(fresh.clone()));
            assert_eq!(fs::read(&entry).expect("entry"), good, "rewritten");
        }
    }

    #[test]
    fn a_payload_that_does_not_decode_is_a_miss() {
        // A right header over a wrong payload: only the decoder can tell.
        let fx = fixture(YAML);
        let cache = InventoryCache::in_project(&fx.root);
        let payload = [0xff_u8; 7];
        let mut bytes = MAGIC.to_vec();
        bytes.extend(key("inventory.yaml", YAML).to_le_bytes());
        bytes.extend(xxh3_128(&payload).to_le_bytes());
        bytes.extend(payload);
        let entry = cache.entry(&fx.file);
        fs::create_dir_all(entry.parent().expect("folder")).expect("folder");
        fs::write(&entry, bytes).expect("entry");
        assert_eq!(read_entry(&entry, key("inventory.yaml", YAML)), None);
        assert!(cache.parse(&fx.file, YAML).is_ok());
    }

    #[test]
    fn an_unwritable_cache_folder_only_skips_caching() {
        // A file where the folder should be: as root, permissions would not stop a write.
        let fx = fixture(YAML);
        fs::write(fx.root.join(CACHE_FOLDER), "in the way").expect("write");
        let cache = InventoryCache::in_project(&fx.root);
        let fresh = parse_inventory("inventory.yaml", YAML).expect("valid");
        assert_eq!(cache.parse(&fx.file, YAML), Ok(fresh.clone()));
        assert_eq!(cache.parse(&fx.file, YAML), Ok(fresh));
    }

    #[test]
    fn errors_are_reported_at_their_position_despite_an_older_entry() {
        let fx = fixture(YAML);
        let cache = InventoryCache::in_project(&fx.root);
        cache.parse(&fx.file, YAML).expect("valid");
        let broken = YAML.replace("services:", "servces:");
        let err = cache.parse(&fx.file, &broken).expect_err("typo");
        assert_eq!(
            err,
            parse_inventory("inventory.yaml", &broken).expect_err("typo")
        );
        assert_eq!((err.line, err.column), (7, 9));
        // The error is not cached: the good entry is still there for the good text.
        let [entry] = entries(&fx.root).try_into().expect("one entry");
        assert!(read_entry(&entry, key("inventory.yaml", YAML)).is_some());
    }

    /// `bitcode` writes no field names or types: an entry written for one shape of
    /// [`Inventory`] (or by another version of `bitcode`) could decode as another. This pins
    /// the encoding of an inventory that uses every field; when it fails, bump
    /// [`FORMAT_VERSION`] and update the hash.
    #[test]
    fn the_format_version_changes_with_the_encoding() {
        let inventory = parse_inventory("inventory.yaml", YAML).expect("valid");
        let encoded = bitcode::encode(&inventory);
        assert_eq!(
            (FORMAT_VERSION, xxh3_64(&encoded)),
            (1, 14_450_724_814_099_021_106),
            "the encoding changed: bump FORMAT_VERSION"
        );
    }
}
