namespace PrivateBox.Factory.Contracts;

public enum DetectionSource
{
    Trap,
    Poll,
}
