"""mailwarden: archive — encrypted, deduplicated, tamper-evident and blind-indexed message store.

Modules:
  keyring     KeyRing.open(keys_dir, master_key_env, master_key_file).bind(engine) — this process's master
              keys, the ring's derived keys, rotation; follows the ring in the database
  keystate    the key ring's state in the database (generation in archive_head, wrapped keys)
  keywrap     key ids, wrapping, private files; KeyRingError, KeyMissing, KeyRingRefused
  reindex     re-keying the blind index (rotate-derived index, rebuild with progress)
  chain       MAC keys of the keyed chains (derived from the master key, never stored)
  blobstore   BlobStore protocol, FilesystemBlobStore(root)
  service     Archive(engine, blob_store, keyring, text_extractor), SealedMessage, RecordMeta
  tables      archive_* tables (SQLAlchemy Core), post_create(bind), create_schema(engine)
  tokens      tokenising (words, CJK bigrams + single characters) and keyed token hashing
  query       the search language (parse_query, QueryError)
  retention   Retention(archive, rules, default_days): purge, legal holds, orphan collection
  export      export_zip (signed bundle) / export_mbox
  bundle      signing and verifying export bundles (Ed25519 derived from the master key)
  history     decision history imported with records (archive_record_history)
  importer    import_path (eml, maildir, mbox, zip, signed bundles; idempotent)
  mime        meta_from_raw, simple_text_extractor (stdlib fallbacks)
  cli_ops     plain functions behind `mailwarden archive …` and `mailwarden keys rotate`
"""
