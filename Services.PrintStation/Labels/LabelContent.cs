namespace PrivateBox.Factory.Services.PrintStation.Labels;

/// <summary>What goes on a unit's label. Holds the passwords for one flow; ToString never shows them.</summary>
public sealed record LabelContent(string Serial, string AdminPassword, string ServicesPassword, string SetupUrl)
{
    /// <summary>The same label with every password character masked, for previews kept on disk.</summary>
    public LabelContent Masked() =>
        this with { AdminPassword = new string('•', AdminPassword.Length), ServicesPassword = new string('•', ServicesPassword.Length) };

    public override string ToString() => $"LabelContent {{ Serial = {Serial}, Passwords = [redacted] }}";
}
