namespace PostLoan.Integration.Tests.Monitoring.Images;

/// <summary>The native OpenCV runtime (OpenCvSharp4.official.runtime.linux-x64) loads on this machine.</summary>
public class OpenCvRuntime
{
    [Fact]
    public void The_native_library_loads() => Assert.StartsWith("4.13.", OpenCvSharp.Cv2.GetVersionString());
}
