using Microsoft.AspNetCore.StaticFiles;

namespace PrivateBox.Factory.Services.Cdn.Assets;

/// <summary>Content types by extension, with the ones the factory's assets use.</summary>
internal static class ContentTypes
{
    private static readonly FileExtensionContentTypeProvider Provider = Create();

    public static string For(string name) =>
        Provider.TryGetContentType(name, out var type) ? type : "application/octet-stream";

    private static FileExtensionContentTypeProvider Create()
    {
        var provider = new FileExtensionContentTypeProvider();
        provider.Mappings[".zst"] = "application/zstd";
        provider.Mappings[".qcow2"] = "application/octet-stream";
        provider.Mappings[".vma"] = "application/octet-stream";
        provider.Mappings[".xz"] = "application/x-xz";
        provider.Mappings[".sha256"] = "text/plain; charset=utf-8";
        provider.Mappings[".md5"] = "text/plain; charset=utf-8";
        provider.Mappings[".sh"] = "text/x-shellscript; charset=utf-8";
        provider.Mappings[".log"] = "text/plain; charset=utf-8";
        provider.Mappings[".yml"] = "application/yaml";
        provider.Mappings[".yaml"] = "application/yaml";
        return provider;
    }
}
