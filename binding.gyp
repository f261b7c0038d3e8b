{
  "targets": [
    {
      "target_name": "tack_flock",
      "sources": ["native/flock.c"]
    }
  ]
}
