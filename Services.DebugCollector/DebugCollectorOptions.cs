namespace PrivateBox.Factory.Services.DebugCollector;

/// <summary>Settings of the collector, bound from the "DebugCollector" section.</summary>
public sealed class DebugCollectorOptions
{
    public const string Section = "DebugCollector";

    /// <summary>Largest request body of an upload (the tar.gz or JSON as sent); 413 beyond it.</summary>
    public long MaxBundleBytes { get; set; } = 50L * 1024 * 1024;

    /// <summary>Largest total of a bundle's files after decompression, so a small archive cannot expand without bound.</summary>
    public long MaxExpandedBytes { get; set; } = 512L * 1024 * 1024;

    /// <summary>Output kept per collected item and stream (stdout, stderr); the rest is counted and dropped.</summary>
    public int MaxItemBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Bundles older than this are deleted; zero keeps them forever.</summary>
    public TimeSpan RetainFor { get; set; } = TimeSpan.FromDays(90);

    /// <summary>How often expired bundles are looked for.</summary>
    public TimeSpan RetentionInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Base address of the Unit API (service discovery name by default).</summary>
    public string UnitApiUrl { get; set; } = "http://unitapi";

    public SshSettings Ssh { get; set; } = new();

    /// <summary>SSH collections run at once; more wait their turn.</summary>
    public int MaxConcurrentCollections { get; set; } = 4;

    /// <summary>Uploads streaming in at once; one more is answered 503 with Retry-After.</summary>
    public int MaxConcurrentUploads { get; set; } = 8;

    /// <summary>Collect automatically from a unit that reports failed or becomes stuck, while it is still on its build port.</summary>
    public bool CollectOnFailed { get; set; } = true;
    public bool CollectOnStuck { get; set; } = true;

    /// <summary>What is collected, in order; each runs separately with its own timeout.</summary>
    public List<CollectionItem> Items { get; set; } = [];
}

public sealed class SshSettings
{
    public string User { get; set; } = "root";
    public int Port { get; set; } = 22;

    /// <summary>Path of the factory debug private key (OpenSSH or PEM format). A secret: never logged.</summary>
    public string? KeyFile { get; set; }
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Connection attempts per collection; the delay doubles after each failed one.</summary>
    public int Attempts { get; set; } = 4;
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(5);
}

public sealed class CollectionItem
{
    public string Name { get; set; } = "";
    public string Command { get; set; } = "";
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}
