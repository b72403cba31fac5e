//! A CRI client over containerd's unix socket (`k8s-cri` + tonic): the kubelet's
//! own path to image pulls.

use std::path::{Path, PathBuf};
use std::time::Duration;

use hyper_util::rt::TokioIo;
use k8s_cri::v1::image_service_client::ImageServiceClient;
use k8s_cri::v1::runtime_service_client::RuntimeServiceClient;
use k8s_cri::v1::{
    AuthConfig, ImageSpec, ImageStatusRequest, LinuxPodSandboxConfig, LinuxSandboxSecurityContext, NamespaceMode,
    NamespaceOption, PodSandboxConfig, PodSandboxMetadata, PullImageRequest, RunPodSandboxRequest, StatusRequest,
    VersionRequest,
};
use tokio::net::UnixStream;
use tonic::transport::{Channel, Endpoint, Uri};

/// A CRI error as crictl prints it: `rpc error: code = <Code> desc = <message>`.
pub fn crictl_text(status: &tonic::Status) -> String {
    format!("rpc error: code = {:?} desc = {}", status.code(), status.message())
}

/// Credentials as the kubelet passes them in `PullImageRequest.auth`.
#[derive(Debug, Clone, Default)]
pub struct Creds {
    /// `username` of the matched dockerconfigjson entry.
    pub username: String,
    /// `password` of the entry.
    pub password: String,
    /// `auth` of the entry (base64 `user:pass`).
    pub auth: String,
}

/// A CRI client bound to one socket, with its own single-thread runtime.
#[derive(Debug)]
pub struct Cri {
    rt: tokio::runtime::Runtime,
    channel: Channel,
}

impl Cri {
    /// Connects to the CRI over `socket`.
    pub fn connect(socket: &Path) -> Cri {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("tokio runtime");
        let path: PathBuf = socket.to_owned();
        let channel = rt
            .block_on(async move {
                // A hung containerd fails the test instead of hanging CI.
                Endpoint::try_from("http://[::]:50051")
                    .expect("endpoint")
                    .connect_timeout(Duration::from_secs(10))
                    .timeout(Duration::from_secs(120))
                    .connect_with_connector(tower::service_fn(move |_: Uri| {
                        let path = path.clone();
                        async move { Ok::<_, std::io::Error>(TokioIo::new(UnixStream::connect(path).await?)) }
                    }))
                    .await
            })
            .unwrap_or_else(|e| panic!("connect to CRI at {}: {e}", socket.display()));
        let cri = Cri { rt, channel };
        cri.wait_initialized();
        cri
    }

    /// containerd logs "successfully booted" before the CRI service has finished
    /// initializing, and until then every CRI call fails with `server is not
    /// initialized yet` (the kubelet retries too). Waits for that to pass; a CRI
    /// plugin that did not load at all answers `Unimplemented` at once.
    fn wait_initialized(&self) {
        let start = std::time::Instant::now();
        loop {
            let mut client = RuntimeServiceClient::new(self.channel.clone());
            match self.rt.block_on(client.version(VersionRequest { version: "v1".to_owned() })) {
                Err(e) if e.message().contains("not initialized") && start.elapsed() < Duration::from_secs(30) => {
                    std::thread::sleep(Duration::from_millis(50));
                }
                _ => return,
            }
        }
    }

    /// `PullImage`, with the credentials the kubelet would send (none for the
    /// sandbox image or pods without imagePullSecrets). Ok is the image ref.
    pub fn pull(&self, image: &str, creds: Option<&Creds>) -> Result<String, tonic::Status> {
        let mut client = ImageServiceClient::new(self.channel.clone());
        let request = PullImageRequest {
            image: Some(ImageSpec { image: image.to_owned(), ..Default::default() }),
            auth: creds.map(|c| AuthConfig {
                username: c.username.clone(),
                password: c.password.clone(),
                auth: c.auth.clone(),
                ..Default::default()
            }),
            sandbox_config: None,
        };
        self.rt.block_on(client.pull_image(request)).map(|r| r.into_inner().image_ref)
    }

    /// `ImageStatus`: the image's repo tags and digests, if present.
    pub fn image_status(&self, image: &str) -> Option<k8s_cri::v1::Image> {
        let mut client = ImageServiceClient::new(self.channel.clone());
        let request = ImageStatusRequest {
            image: Some(ImageSpec { image: image.to_owned(), ..Default::default() }),
            verbose: false,
        };
        let resp = self.rt.block_on(client.image_status(request)).expect("CRI ImageStatus");
        resp.into_inner().image
    }

    /// Verbose `Status` (what `crictl info` prints): its `info` entries, each JSON.
    pub fn status_info(&self) -> Result<serde_json::Map<String, serde_json::Value>, tonic::Status> {
        let mut client = RuntimeServiceClient::new(self.channel.clone());
        let resp = self.rt.block_on(client.status(StatusRequest { verbose: true }))?;
        let info = resp.into_inner().info;
        Ok(info
            .into_iter()
            .map(|(k, v)| {
                let json = serde_json::from_str(&v).unwrap_or(serde_json::Value::String(v));
                (k, json)
            })
            .collect())
    }

    /// `RunPodSandbox` on the host network with runtime `handler`, which cannot run
    /// anything (see [`super::release::Release::sandbox_handler`]): containerd first
    /// ensures the sandbox image (pulling it with its node-level config, never with a
    /// pod's credentials, exactly as for a real pod), then fails at the runtime (1.x: its
    /// lookup; 2.x: its shim's start) before anything runs.
    pub fn run_sandbox_until_image(&self, handler: &str) -> tonic::Status {
        let mut client = RuntimeServiceClient::new(self.channel.clone());
        let config = PodSandboxConfig {
            metadata: Some(PodSandboxMetadata {
                name: "cronjob".to_owned(),
                uid: "pullfix-acceptance".to_owned(),
                namespace: "default".to_owned(),
                attempt: 0,
            }),
            linux: Some(LinuxPodSandboxConfig {
                security_context: Some(LinuxSandboxSecurityContext {
                    namespace_options: Some(NamespaceOption {
                        network: NamespaceMode::Node as i32,
                        pid: NamespaceMode::Pod as i32,
                        ipc: NamespaceMode::Pod as i32,
                        ..Default::default()
                    }),
                    ..Default::default()
                }),
                ..Default::default()
            }),
            ..Default::default()
        };
        let request = RunPodSandboxRequest { config: Some(config), runtime_handler: handler.to_owned() };
        match self.rt.block_on(client.run_pod_sandbox(request)) {
            Ok(resp) => panic!("RunPodSandbox unexpectedly created sandbox {:?}", resp.into_inner().pod_sandbox_id),
            Err(status) => status,
        }
    }
}
