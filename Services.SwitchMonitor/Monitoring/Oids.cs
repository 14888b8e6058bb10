namespace PrivateBox.Factory.Services.SwitchMonitor.Monitoring;

/// <summary>The IF-MIB, BRIDGE-MIB and Q-BRIDGE-MIB columns the monitor reads.</summary>
public static class Oids
{
    public const string IfIndex = "1.3.6.1.2.1.2.2.1.1";
    public const string IfOperStatus = "1.3.6.1.2.1.2.2.1.8";
    public const string Dot1dBasePortIfIndex = "1.3.6.1.2.1.17.1.4.1.2";
    public const string Dot1dTpFdbPort = "1.3.6.1.2.1.17.4.3.1.2";
    public const string Dot1qTpFdbPort = "1.3.6.1.2.1.17.7.1.2.2.1.2";
    public const string LinkDown = "1.3.6.1.6.3.1.1.5.3";
    public const string LinkUp = "1.3.6.1.6.3.1.1.5.4";
}
