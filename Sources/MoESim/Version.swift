/// The version printed by `moesim --version`.
public enum MoESimVersion {
  public static let string = "0.1.0"
}
