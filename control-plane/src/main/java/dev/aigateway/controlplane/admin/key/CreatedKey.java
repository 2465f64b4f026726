package dev.aigateway.controlplane.admin.key;

/** The creation response: the view plus the secret, shown this one time only. */
record CreatedKey(KeyView view, String key) {
  @Override
  public String toString() {
    return "CreatedKey[" + view.id() + ", secret hidden]";
  }
}
