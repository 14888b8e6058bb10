namespace PrivateBox.Factory.Services.Cdn;

/// <summary>Settings of the CDN, section "Cdn".</summary>
public sealed class CdnOptions
{
    public const string Section = "Cdn";

    /// <summary>The asset root; each area is a folder below it unless <see cref="Folders"/> says otherwise.</summary>
    public string Root { get; set; } = "";

    /// <summary>The top-level folders served under /cdn/.</summary>
    public string[] Areas { get; set; } = ["images", "containers", "templates", "source", "factory"];

    /// <summary>Areas served from another folder than Root/area, e.g. "factory" from the repo's unit-client/.</summary>
    public Dictionary<string, string> Folders { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Names units ask for (relative to /cdn/) mapped to the asset they mean.</summary>
    public Dictionary<string, string> Aliases { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Assets a batch needs; health is degraded until each is present and matches its checksum.</summary>
    public RequiredAsset[] Required { get; set; } = [];

    /// <summary>How often the asset tree is scanned for new or changed files to checksum.</summary>
    public TimeSpan RescanInterval { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>An asset a batch requires, optionally pinned to the upstream checksum (hex).</summary>
public sealed class RequiredAsset
{
    public string Path { get; set; } = "";
    public string? Sha256 { get; set; }
    public string? Md5 { get; set; }
}
