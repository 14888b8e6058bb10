namespace PrivateBox.Factory.Contracts;

public enum PortRole
{
    Build,
    Label,
    Debug,
    Server,
    Uplink,
}
