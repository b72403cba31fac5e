//! Every string the page shows, in English and 简体中文.
//!
//! One table, each key with both languages side by side, so a missing translation is a
//! compile error; the tests check that none is empty, that the Chinese is Chinese, and
//! that both sides use the same `{placeholders}`. Texts that come from the core
//! (diagnostics, file titles and instructions) are shown as the core writes them, in
//! English; the Chinese hints of the outputs and of the diagnose box say so.

use crate::key::Key;

/// The page's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// 简体中文.
    Zh,
}

impl Lang {
    /// The value for `<html lang>` and for localStorage.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh-CN",
        }
    }

    /// Reads a stored code or a `navigator.language` value (`zh`, `zh-CN`, `zh-Hans-SG`,
    /// `en-US`); anything not Chinese is English.
    pub fn from_code(code: &str) -> Lang {
        if code.trim().to_ascii_lowercase().starts_with("zh") {
            Lang::Zh
        } else {
            Lang::En
        }
    }

    /// The strings of this language.
    pub fn text(self) -> &'static Text {
        match self {
            Lang::En => &EN,
            Lang::Zh => &ZH,
        }
    }

    /// `lang` of an element that shows the core's English text: `en` when the page is
    /// not English (screen readers then read it with an English voice), else none.
    pub fn en(self) -> Option<&'static str> {
        (self != Lang::En).then_some("en")
    }

    /// Picks this language's side of a pair.
    pub fn pick(self, pair: [&'static str; 2]) -> &'static str {
        match self {
            Lang::En => pair[0],
            Lang::Zh => pair[1],
        }
    }
}

/// Replaces `{name}` in a translated string.
pub fn fill(template: &str, name: &str, value: &str) -> String {
    template.replace(&format!("{{{name}}}"), value)
}

impl Text {
    /// The label and hint of a field's input.
    pub fn field(&self, key: Key) -> (&'static str, &'static str) {
        use Key::*;
        match key {
            Containerd => (self.containerd_label, self.containerd_hint),
            SandboxImage => (self.sandbox_image_label, self.sandbox_image_hint),
            ConfigPath => (self.config_path_label, self.config_path_hint),
            LegacyConfig => (self.legacy_config_label, self.legacy_config_hint),
            Flavor => (self.flavor_label, self.flavor_hint),
            Host => (self.host_label, self.host_hint),
            Scheme => (self.scheme_label, self.scheme_hint),
            CaFile => (self.ca_file_label, self.ca_file_hint),
            CaPem => (self.ca_pem_label, self.ca_pem_hint),
            ClientCert => (self.client_cert_label, self.client_cert_hint),
            ClientKey => (self.client_key_label, self.client_key_hint),
            SkipVerify => (self.skip_verify_label, self.skip_verify_hint),
            Username => (self.username_label, self.username_hint),
            Password => (self.password_label, self.password_hint),
            IdentityToken => (self.identity_token_label, self.identity_token_hint),
            NodeAuth => (self.node_auth_label, self.node_auth_hint),
            MirrorOnly => (self.mirror_only_label, self.mirror_only_hint),
            MirrorUrl => (self.mirror_url_label, self.mirror_url_hint),
            OverridePath => (self.override_path_label, self.override_path_hint),
            Capabilities => (self.capabilities_label, self.capabilities_hint),
            MirrorCaFile => (self.mirror_ca_file_label, self.mirror_ca_file_hint),
            MirrorSkipVerify => (self.mirror_skip_verify_label, self.skip_verify_hint),
            SecretName => (self.secret_name_label, self.secret_name_hint),
            Namespaces => (self.namespaces_label, self.namespaces_hint),
            Email => (self.email_label, self.email_hint),
            PatchKind => (self.kind_label, self.kind_hint),
            PatchName => (self.name_label, self.name_hint),
            PatchNamespace => (self.patch_namespace_label, self.patch_namespace_hint),
            Daemonset => (self.daemonset_label, self.daemonset_hint),
            NodeScript => (self.node_script_label, self.node_script_hint),
            RolloutNamespace => (self.rollout_namespace_label, self.rollout_namespace_hint),
            RolloutName => (self.rollout_name_label, self.rollout_name_hint),
            Image => (self.rollout_image_label, self.rollout_image_hint),
            ImagePullSecret => (self.rollout_pull_secret_label, self.rollout_pull_secret_hint),
            NodeSelector => (self.node_selector_label, self.node_selector_hint),
            Tolerations => (self.tolerations_label, self.tolerations_hint),
            SyncSeconds => (self.sync_seconds_label, self.sync_seconds_hint),
            VerifyImage => (self.verify_image_label, self.verify_image_hint),
        }
    }
}

impl Text {
    /// The words above the Verify section's test pull: crictl's (through the CRI, unlike
    /// ctr) on a node with a shell, `talosctl image pull`'s on Talos (no ctr or crictl there).
    pub fn verify_pull(&self, flavor: pullfix_core::flavor::Flavor) -> &'static str {
        match flavor {
            pullfix_core::flavor::Flavor::Talos => self.docs_verify_pull_talos,
            _ => self.docs_verify_pull,
        }
    }
}

macro_rules! strings {
    ($($key:ident: $en:expr, $zh:expr;)*) => {
        /// The page's strings in one language (fields named by their use).
        #[allow(missing_docs)]
        #[derive(Debug)]
        pub struct Text { $(pub $key: &'static str,)* }

        /// English.
        pub static EN: Text = Text { $($key: $en,)* };
        /// 简体中文.
        pub static ZH: Text = Text { $($key: $zh,)* };

        /// `(key, english, chinese)` for every string, for the completeness tests.
        #[cfg(test)]
        pub fn entries() -> Vec<(&'static str, &'static str, &'static str)> {
            vec![$((stringify!($key), $en, $zh),)*]
        }
    };
}

strings! {
    app_title: "pullfix", "pullfix";
    page_title: "pullfix: fix ImagePullBackOff against a private registry", "pullfix：修复私有镜像仓库的 ImagePullBackOff";
    diags_english: "Field diagnostics are in English only.", "表单各项的诊断目前只有英文。";
    merge_reasons_english: "The reasons are in English only.", "修改原因目前只有英文。";
    tagline: "Fix ImagePullBackOff against a private registry: fill in the form, copy the files, apply them.",
        "修复私有镜像仓库导致的 ImagePullBackOff：填写表单，复制生成的文件，按说明应用。";
    privacy: "Runs entirely in your browser: nothing is sent anywhere, and passwords are never stored or put into links.",
        "完全在浏览器中运行：不发送任何数据，密码既不会被保存，也不会放进链接。";
    lang_label: "Language", "语言";
    skip_to_outputs: "Skip to the generated files", "跳到生成的文件";

    presets_heading: "Start from a preset", "从预设开始";
    presets_hint: "A preset replaces the form and keeps your containerd version.",
        "预设会替换整个表单，但保留你选择的 containerd 版本。";
    preset_harbor: "Harbor, private CA, robot account", "Harbor：私有 CA + 机器人账号";
    preset_http_ip: "Plain-HTTP registry on 10.50.1.104:5000", "HTTP 仓库 10.50.1.104:5000";
    preset_dockerhub_proxy: "Docker Hub via a Harbor proxy cache", "经 Harbor 代理缓存拉取 Docker Hub";
    preset_pause_mirror: "Pause image from a reachable mirror", "从可访问的镜像站拉取 pause 镜像";

    section_node: "Node: containerd", "节点：containerd";
    containerd_line_label: "containerd release", "containerd 版本系列";
    containerd_line_hint: "Pick the release line; type the exact version below when you know it.",
        "选择版本系列；知道确切版本时在下方填写。";
    containerd_line_other: "other (see below)", "其他（见下方）";
    containerd_label: "Exact containerd version", "containerd 确切版本";
    containerd_hint: "As `containerd --version` prints it on the node, e.g. 1.6.20: some settings depend on the patch release.",
        "即节点上 `containerd --version` 的输出，例如 1.6.20：部分设置取决于补丁版本。";
    config_path_label: "hosts.toml directory (config_path)", "hosts.toml 目录（config_path）";
    config_path_hint: "One directory, never a list. Empty: /etc/containerd/certs.d.",
        "只能是一个目录，不能是列表。留空即 /etc/containerd/certs.d。";
    sandbox_image_label: "Sandbox (pause) image", "沙箱（pause）镜像";
    sandbox_image_hint: "Every pod starts with it and the kubelet never sends a pull Secret for it: use a reachable mirror or node credentials. Empty: containerd's default.",
        "每个 Pod 都先启动它，且 kubelet 拉取它时从不使用 imagePullSecrets：请用可访问的镜像站或节点级凭据。留空即 containerd 默认值。";
    legacy_config_label: "Deprecated inline registry keys (containerd 1.5–1.7)", "使用已弃用的内联 registry 配置（containerd 1.5–1.7）";
    legacy_config_hint: "Only for nodes that already use registry.mirrors / registry.configs; never together with hosts.toml.",
        "仅用于已经在用 registry.mirrors / registry.configs 的节点；不能与 hosts.toml 同时使用。";

    section_registries: "Registries", "镜像仓库";
    registries_empty: "No registry yet: add one or start from a preset.", "还没有仓库：添加一个，或从预设开始。";
    add_registry: "+ Add registry", "+ 添加仓库";
    remove_registry: "Remove registry {n}", "删除仓库 {n}";
    registry_n: "Registry {n}", "仓库 {n}";
    host_label: "Registry host", "仓库地址";
    host_hint: "Exactly as image references name it, port included: harbor.example.net, 10.50.1.104:5000, docker.io, _default.",
        "与镜像引用中的写法完全一致，有端口就带端口：harbor.example.net、10.50.1.104:5000、docker.io、_default。";
    scheme_label: "Protocol", "协议";
    scheme_hint: "Plain HTTP must be chosen explicitly; otherwise containerd speaks HTTPS.",
        "明文 HTTP 必须明确选择，否则 containerd 一律使用 HTTPS。";
    scheme_https: "HTTPS (TLS)", "HTTPS（加密）";
    scheme_http: "HTTP (plain, no TLS)", "HTTP（明文，无 TLS）";
    tls_legend: "TLS", "TLS 证书";
    ca_file_label: "CA certificate path on the node", "节点上的 CA 证书路径";
    ca_file_hint: "Where the registry's CA file is on every node, e.g. /etc/containerd/certs.d/harbor.example.net/ca.crt.",
        "每个节点上仓库 CA 文件的位置，例如 /etc/containerd/certs.d/harbor.example.net/ca.crt。";
    ca_pem_label: "CA certificate (PEM)", "CA 证书（PEM）";
    ca_pem_hint: "Paste the CA (-----BEGIN CERTIFICATE-----) to get the file itself too. A CA is public and stays in share links.",
        "粘贴 CA（-----BEGIN CERTIFICATE-----），同时生成 CA 文件。CA 是公开信息，会保留在分享链接中。";
    client_cert_label: "Client certificate path (mTLS)", "客户端证书路径（mTLS）";
    client_cert_hint: "Only when the registry asks for client certificates; set the key path too.",
        "仅当仓库要求客户端证书时填写；同时填写私钥路径。";
    client_key_label: "Client key path (mTLS)", "客户端私钥路径（mTLS）";
    client_key_hint: "A path on the node: the key itself never belongs in this page.", "节点上的路径：私钥内容本身不要粘贴到本页面。";
    skip_verify_label: "Skip certificate verification (unsafe)", "跳过证书校验（不安全）";
    skip_verify_hint: "For a quick test only: anyone in between could serve any image. Prefer the CA.",
        "仅用于临时测试：中间人可以提供任意镜像。请优先配置 CA。";
    credentials_legend: "Credentials", "凭据";
    username_label: "Username", "用户名";
    username_hint: "Harbor robot accounts look like robot$ci.", "Harbor 机器人账号形如 robot$ci。";
    password_label: "Password or robot token", "密码或机器人令牌";
    password_hint: "Stays in this page: never stored, never in share links.", "只留在本页面：不会被保存，也不会进入分享链接。";
    identity_token_label: "Identity token (instead of a password)", "身份令牌（代替密码）";
    identity_token_hint: "An OAuth2 refresh token; most registries use username and password instead.",
        "OAuth2 刷新令牌；大多数仓库使用用户名和密码即可。";
    node_auth_label: "Also put the credentials on the nodes", "同时把凭据写入节点";
    node_auth_hint: "Into containerd's config.toml: needed for a private pause image and for pods without imagePullSecrets.",
        "写入 containerd 的 config.toml：私有 pause 镜像以及没有 imagePullSecrets 的 Pod 需要它。";
    mirror_only_label: "Mirrors only, never the registry itself", "只用镜像站，不回源到仓库本身";
    mirror_only_hint: "Pulls fail instead of falling back to the upstream registry.", "镜像站失败时直接报错，不回退到上游仓库。";
    mirrors_legend: "Mirrors", "镜像站";
    mirrors_hint: "Tried in this order, before the registry itself.", "按此顺序尝试，最后才访问仓库本身。";
    add_mirror: "+ Add mirror", "+ 添加镜像站";
    remove_mirror: "Remove mirror {n}", "删除镜像站 {n}";
    mirror_n: "Mirror {n}", "镜像站 {n}";
    mirror_url_label: "Mirror URL", "镜像站 URL";
    mirror_url_hint: "With its scheme, e.g. https://mirror.example.net (containerd adds /v2/ itself; a URL with a path needs override_path).",
        "需带协议，例如 https://mirror.example.net（containerd 会自动加上 /v2/；带路径的 URL 需勾选 override_path）。";
    override_path_label: "The URL path is the API root (override_path)", "URL 路径即 API 根路径（override_path）";
    override_path_hint: "For Harbor proxy-cache projects, whose URL ends in /v2/<project>.",
        "用于 Harbor 代理缓存项目，其 URL 以 /v2/<项目名> 结尾。";
    capabilities_label: "Capabilities", "能力";
    capabilities_hint: "Comma separated: pull, resolve, push. Empty: pull, resolve.",
        "逗号分隔：pull、resolve、push。留空即 pull, resolve。";
    mirror_ca_file_label: "CA path for this mirror", "此镜像站的 CA 路径";
    mirror_ca_file_hint: "Only when it differs from the registry's CA.", "仅当与仓库的 CA 不同时填写。";
    mirror_skip_verify_label: "Skip certificate verification for this mirror (unsafe)", "跳过此镜像站的证书校验（不安全）";

    section_kubernetes: "Kubernetes: pull Secret", "Kubernetes：镜像拉取 Secret";
    secret_name_label: "Secret name", "Secret 名称";
    secret_name_hint: "Empty: regcred.", "留空即 regcred。";
    namespaces_label: "Namespaces", "命名空间";
    namespaces_hint: "Comma or space separated. A Secret only serves pods in its own namespace: one each. Empty: default.",
        "用逗号或空格分隔。Secret 只对同一命名空间的 Pod 生效：每个命名空间一个。留空即 default。";
    email_label: "Email (optional)", "邮箱（可选）";
    email_hint: "As kubectl's --docker-email; left out when empty.", "对应 kubectl 的 --docker-email；留空则不写入。";
    patches_legend: "Objects that must list the Secret (imagePullSecrets)", "需要引用该 Secret 的对象（imagePullSecrets）";
    patches_hint: "A ServiceAccount covers the pods created after the patch; a bare Pod or Job must be recreated.",
        "ServiceAccount 对打补丁之后创建的 Pod 生效；单独的 Pod 或 Job 需要重新创建。";
    add_patch: "+ Add object", "+ 添加对象";
    remove_patch: "Remove object {n}", "删除对象 {n}";
    patch_n: "Object {n}", "对象 {n}";
    kind_label: "Kind", "类型";
    kind_hint: "What to patch.", "要打补丁的对象类型。";
    kind_other: "(other)", "（其他）";
    name_label: "Name", "名称";
    name_hint: "e.g. default, the ServiceAccount every pod uses unless told otherwise.",
        "例如 default：未指定时每个 Pod 使用的 ServiceAccount。";
    patch_namespace_label: "Namespace", "命名空间";
    patch_namespace_hint: "Empty: default.", "留空即 default。";

    diagnose_heading: "Start from an error", "从报错开始";
    diagnose_label: "Paste your error", "粘贴报错信息";
    diagnose_placeholder: "Failed to pull image ...: x509: certificate signed by unknown authority",
        "Failed to pull image ...: x509: certificate signed by unknown authority";
    diagnose_hint: "kubectl describe pod, kubelet events, crictl pull or ctr output, containerd's journal: the cause, the fix and the form changes appear below.",
        "kubectl describe pod、kubelet 事件、crictl pull 或 ctr 的输出、containerd 日志均可：下方会给出原因、解决方法和对应的表单修改（分析结果目前只有英文）。";
    diagnose_none: "No known problem in this text.", "这段文字中没有发现已知问题。";
    diagnose_found: "Known problems found: {n}, see below.", "发现 {n} 个已知问题，见下方。";
    apply_prefill: "Apply to the form", "应用到表单";
    credentials_needed: "This registry needs credentials: type the user name and password (or token) here.",
        "此仓库需要凭据：请在此填写用户名和密码（或令牌）。";
    credentials_go: "This registry needs credentials: the button takes you to its user name and password (or token).",
        "此仓库需要凭据：点击按钮即可跳到它的用户名和密码（或令牌）。";
    credentials_add_registry: "This registry needs credentials, but the text does not say which registry it is: add the registry first (Registries, below: its host as images name it), then type its user name and password there.",
        "此仓库需要凭据，但这段文字没有指明是哪个仓库：请先在下方“仓库”中添加它（按镜像引用中的写法填写地址），再在那里填写用户名和密码。";
    credentials_pick_registry: "This registry needs credentials, but the text does not say which registry it is: pick the registry this image comes from (Registries, below) and type its user name and password there.",
        "此仓库需要凭据，但这段文字没有指明是哪个仓库：请在下方“仓库”中找到这个镜像所在的仓库，在那里填写用户名和密码。";
    credentials_present: "The form already has credentials for this registry: check the password (or token), that the pods' Secret is the one generated here, and, for the sandbox image, that node credentials are on and the merged config.toml is installed (containerd reads it when it starts).",
        "表单中已有此仓库的凭据：请核对密码（或令牌）、Pod 使用的是这里生成的 Secret；若是沙箱（pause）镜像，请确认已开启节点凭据并已安装合并后的 config.toml（containerd 启动时读取它）。";
    prefill_applied: "Applied to the form: {fields}.", "已应用到表单：{fields}。";

    merge_heading: "Merge into your existing config.toml", "合并到现有的 config.toml";
    merge_label: "The node's current /etc/containerd/config.toml", "节点当前的 /etc/containerd/config.toml";
    merge_hint: "Paste the whole file ({command}): the merged file and a diff replace the block among the files; comments and other settings are kept. It stays in this page and is never put into links.",
        "粘贴整个文件（{command}）：生成的文件中会用合并后的完整文件和 diff 替代配置片段，注释和其他设置保持不变。内容只留在本页面，不会进入链接。";
    merge_convert_version_label: "Convert the file to the target's config version", "将文件转换为目标版本的配置格式";
    merge_convert_version_hint: "Off: a version the target still reads is kept (a version = 2 file on 2.x, which 2.x migrates at every start). On: the target's version is written, and every setting left at an old path (SystemdCgroup, the snapshotter, ...) is an error until you move it.",
        "关闭时：目标仍能读取的版本保持不变（例如 2.x 上的 version = 2 文件，2.x 每次启动都会迁移它）。开启时：写入目标版本号，留在旧路径上的每项设置（SystemdCgroup、snapshotter 等）都会报错，直到你把它移走。";
    merge_changes: "{n} change(s); every other line is kept:", "共 {n} 处修改，其余各行保持不变：";
    merge_unchanged: "The file already has these settings: nothing to change.", "文件中已有这些设置：无需修改。";

    section_fleet: "Distribution and fleet rollout", "发行版与批量下发";
    flavor_label: "Kubernetes distribution", "Kubernetes 发行版";
    flavor_hint: "k3s, RKE2, kind, Talos, Kubespray and minikube generate containerd's config from their own files: you get those instead.",
        "k3s、RKE2、kind、Talos、Kubespray 和 minikube 会用自己的配置生成 containerd 配置：将改为生成这些文件。";
    rollout_legend: "Rollout to every node (kubeadm-style nodes)", "下发到所有节点（kubeadm 类节点）";
    rollout_hint: "Enabling config_path is a one-time config.toml change with a restart; after that the DaemonSet keeps hosts.toml and CA files in sync without restarts.",
        "启用 config_path 需要一次性修改 config.toml 并重启；之后 DaemonSet 会持续同步 hosts.toml 和 CA 文件，无需重启。";
    rollout_kubeadm_only: "These apply to kubeadm-style nodes only; this distribution gets its files from its own configuration.",
        "这些选项只适用于 kubeadm 类节点；当前发行版通过自身配置获取这些文件。";
    daemonset_label: "DaemonSet that installs the certs.d files", "用 DaemonSet 安装 certs.d 文件";
    daemonset_hint: "With its ConfigMap (and Secret), under k8s/rollout/: kubectl apply, no containerd restart.",
        "连同 ConfigMap（和 Secret）生成在 k8s/rollout/ 下：kubectl apply 即可，无需重启 containerd。";
    node_script_label: "node-setup.sh to run on each node", "生成在每个节点上执行的 node-setup.sh";
    node_script_hint: "Writes every file with its mode, backs up what it replaces, restarts containerd only when config.toml changed.",
        "按正确权限写入所有文件，备份被替换的文件，仅在 config.toml 变化时重启 containerd。";
    rollout_namespace_label: "DaemonSet namespace", "DaemonSet 命名空间";
    rollout_namespace_hint: "Empty: kube-system.", "留空即 kube-system。";
    rollout_name_label: "DaemonSet name", "DaemonSet 名称";
    rollout_name_hint: "Also names its ConfigMap and Secret. Empty: pullfix-node-files.", "同时用于 ConfigMap 和 Secret。留空即 pullfix-node-files。";
    rollout_image_label: "Installer image", "安装器镜像";
    rollout_image_hint: "Any image with sh, cmp and cp; point it at your own mirror when nodes cannot reach Docker Hub. Empty: busybox:1.36.",
        "任何带 sh、cmp、cp 的镜像；节点无法访问 Docker Hub 时请指向自己的镜像站。留空即 busybox:1.36。";
    rollout_pull_secret_label: "Pull Secret for that image", "该镜像的拉取 Secret";
    rollout_pull_secret_hint: "An existing Secret in the DaemonSet's namespace, when the image needs one.", "DaemonSet 命名空间中已有的 Secret（镜像需要时填写）。";
    node_selector_label: "Node selector", "节点选择器";
    node_selector_hint: "label=value items, comma separated. Empty: kubernetes.io/os=linux.", "label=value 形式，逗号分隔。留空即 kubernetes.io/os=linux。";
    tolerations_label: "Tolerations", "容忍度";
    tolerations_hint: "As taints are written: key=value:NoSchedule, key:NoExecute, or * for every taint. Empty: every taint.",
        "按污点的写法：key=value:NoSchedule、key:NoExecute，或 * 表示所有污点。留空即容忍所有污点。";
    sync_seconds_label: "Seconds between syncs", "同步间隔（秒）";
    sync_seconds_hint: "A whole number, at least 1. Empty: 60.", "整数，至少为 1。留空即 60。";
    sync_seconds_error: "{value} is not a whole number of seconds; the default, 60, is used until it is fixed.",
        "{value} 不是整数秒数；改正之前使用默认值 60。";
    sync_seconds_fix: "Type a whole number of seconds without sign or decimals, e.g. 30, or leave it empty for 60.",
        "请输入不带正负号和小数的整数秒数，例如 30；留空即 60。";
    sync_seconds_zero_error: "{value}: 0 seconds is not allowed; the default, 60, is used until it is fixed.",
        "{value}：不允许为 0 秒；改正之前使用默认值 60。";
    sync_seconds_zero_fix: "Type at least {min} second, e.g. 30, or leave it empty for 60.",
        "请输入至少 {min} 秒，例如 30；留空即 60。";
    node_selector_error: "{items}: not written as label=value, so left out of the node selector.",
        "{items}：不是 label=value 形式，已从节点选择器中略去。";
    node_selector_fix: "Write each node label as label=value, comma separated, e.g. {example} (an empty value: label=).",
        "每个节点标签写成 label=value，用逗号分隔，例如 {example}（值为空时写成 label=）。";
    node_selector_key_error: "{key} is not a valid node label key; this selector entry is left out.",
        "{key}：不是有效的节点标签键，已从节点选择器中略去。";
    node_selector_key_fix: "Use a label key like node-role.kubernetes.io/worker or kubernetes.io/os.",
        "请使用 node-role.kubernetes.io/worker 或 kubernetes.io/os 这样的标签键。";
    node_selector_value_error: "{value} is not a valid label value; this selector entry is left out.",
        "{value}：不是有效的标签值，已从节点选择器中略去。";
    node_selector_value_fix: "Use at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit.",
        "最多 63 个字母、数字、“-”、“_”或“.”，并以字母或数字开头和结尾。";
    verify_image_label: "Image the node script pulls to verify", "节点脚本用于验证的镜像";
    verify_image_hint: "node-setup.sh ends with crictl pull of it.", "node-setup.sh 最后会用 crictl pull 拉取它。";

    section_outputs: "Files", "生成的文件";
    outputs_hint: "Updated as you type. Put each file where its path says, then do what its note says.",
        "随输入实时更新。把每个文件放到所示路径，再按提示操作。文件标题、说明和各项诊断目前只有英文。";
    outputs_empty: "No files yet: add a registry or set a sandbox image.", "暂无文件：请添加仓库或设置沙箱镜像。";
    download_zip: "Download all as .zip", "全部下载（.zip）";
    zip_private: "The zip holds credentials: keep it private (the browser saves it readable by others) and delete it once the files are in place.",
        "zip 中含有凭据：请妥善保管（浏览器保存的文件其他用户也可读取），文件就位后请删除。";
    copy: "Copy", "复制";
    copied: "Copied", "已复制";
    copy_failed: "Copy failed: select the text", "复制失败：请手动选中文本";
    copy_label: "Copy {path}", "复制 {path}";
    preview_only: "Preview only, do not apply: fix the error above first (copy and zip are off until then).",
        "仅为预览，切勿应用：请先修复上方的错误（修复前无法复制或下载 zip）。";
    sensitive: "Contains credentials: mode 0600, never share", "含凭据：权限 0600，切勿外传";
    on_node: "On every node", "放到每个节点";
    run_on_node: "Run on every node", "在每个节点上运行";
    in_cluster: "In the cluster", "应用到集群";
    on_workstation: "On your workstation", "留在你的工作站上";
    on_ansible_controller: "On the Ansible controller", "放到 Ansible 控制机";
    for_review: "For review", "供审阅";
    after_restart: "Then restart containerd: systemctl restart containerd (config.toml is read only at start).",
        "然后重启 containerd：systemctl restart containerd（config.toml 只在启动时读取）。";
    after_restart_minikube: "Then restart containerd in the node: minikube ssh -- 'sudo systemctl restart containerd' (config.toml is read only at start).",
        "然后在 minikube 节点内重启 containerd：minikube ssh -- 'sudo systemctl restart containerd'（config.toml 只在启动时读取）。";
    after_nothing: "No restart needed: containerd reads it on every pull.", "无需重启：containerd 每次拉取时都会读取。";
    after_kubectl: "Then apply it: kubectl apply -f <file>.", "然后应用：kubectl apply -f <文件>。";
    after_kubectl_patch: "Then run the kubectl patch command above with it: it is a patch, not an object, and kubectl apply rejects it.",
        "然后用上方的 kubectl patch 命令应用它：这是补丁而不是对象，kubectl apply 会拒绝它。";
    after_run: "Run it.", "执行它。";
    after_see_notes: "See the notes above.", "见上方说明。";

    problems_heading: "Problems ({n})", "问题（{n}）";
    problems_none: "No problems found.", "未发现问题。";
    severity_error: "Error", "错误";
    severity_warning: "Warning", "警告";
    severity_info: "Note", "提示";
    fix_prefix: "Fix:", "解决：";

    share_heading: "Share this form", "分享此表单";
    share_button: "Make share link", "生成分享链接";
    share_url_label: "Share link", "分享链接";
    share_made: "Link made: it is in the box above and in the address bar.", "链接已生成：见上方输入框和地址栏。";
    share_hint: "The form travels in the link's #fragment, which browsers never send to a server. Passwords, tokens, private keys and user:password@ in URLs are left out.",
        "表单放在链接的 # 片段中，浏览器从不把它发送给服务器。密码、令牌、私钥以及 URL 中的 user:password@ 都不会包含在内。";
    share_load_failed: "The form in this link could not be read: {error}", "无法读取此链接中的表单：{error}";
    link_passwords_dropped: "The link's form replaced the one here. Links never hold passwords or tokens: type them again.",
        "已载入链接中的表单，替换了原有表单。链接从不包含密码和令牌，请重新填写。";
    link_check: "This form came from a link. Before you type a password, check its registries, mirrors (node credentials go to them) and images (the installer runs as root on every node).",
        "此表单来自链接。输入密码前，请核对其中的仓库、镜像源（节点凭据会发给它们）和镜像（安装程序在每个节点上以 root 运行）。";
    dismiss: "Dismiss", "关闭";
    link_unreadable: "it is not a form link of this page (f={v}): it was made by an older version, or cut off or changed",
        "这不是本页面的表单链接（f={v}）：它来自旧版本，或被截断、改动过";
    link_newer: "This link was made by a newer version of pullfix (f={v}): open it there or update this page.",
        "此链接由较新版本的 pullfix 生成（f={v}）：请在新版本中打开，或更新此页面。";
    link_ignored: "The link's form is loaded, but this page does not know these parts of it (a newer pullfix made it, or it was cut off or changed); they were ignored: {items}",
        "已载入链接中的表单，但本页面不认识其中以下部分（链接来自较新版本的 pullfix，或被截断、改动过），已忽略：{items}";

    docs_heading: "How to apply and verify", "如何应用与验证";
    docs_where_heading: "Where each file goes", "各文件放在哪里";
    docs_col_file: "File", "文件";
    docs_col_where: "Where", "位置";
    docs_col_after: "Afterwards", "之后";
    docs_config_where: "Merge the block into the node's existing file; keep the rest of it.",
        "把这段合并进节点上已有的文件，保留其余内容。";
    docs_config_where_merged: "Replace the node's file with merged/config.toml: your file with the settings merged in.",
        "用 merged/config.toml 替换节点上的文件：它就是合并了这些设置的你的文件。";
    docs_config_after: "systemctl restart containerd", "systemctl restart containerd";
    docs_hosts_where: "One directory per registry, named exactly as images name it (port included), on every node.",
        "每个仓库一个目录，目录名与镜像引用中的写法完全一致（含端口），每个节点都要放。";
    docs_hosts_after: "Nothing: read on every pull.", "无需操作：每次拉取时读取。";
    docs_diff_after: "Read it; {command} applies it.", "先阅读；{command} 即可应用它。";
    docs_card_after: "As its card ({path}) says.", "按其卡片（{path}）上的说明操作。";
    docs_ca_where: "Beside hosts.toml, on every node.", "与 hosts.toml 放在一起，每个节点都要放。";
    docs_no_certs_d: "No certs.d for this target (containerd 1.2–1.4, or the inline registry keys): mirrors, TLS and credentials are all in config.toml; a CA file goes where its card says.",
        "该目标没有 certs.d（containerd 1.2–1.4，或使用内联 registry 配置）：镜像站、TLS 和凭据全部写在 config.toml 中；CA 文件放在其卡片所示位置。";
    docs_rancher_where: "On every node (servers too when they run pods): it writes containerd's config.toml and certs.d, do not edit those by hand.",
        "放到每个节点（运行 Pod 的 server 节点也要）：它会生成 containerd 的 config.toml 和 certs.d，不要手动修改这两者。";
    docs_secret_where: "In every namespace whose pods pull from the registry.", "放到每个需要从该仓库拉取镜像的命名空间。";
    docs_secret_after: "kubectl apply -f", "kubectl apply -f";
    docs_patch_where: "Patches for the objects that must list the Secret: not objects, so never kubectl apply.",
        "需要引用该 Secret 的对象的补丁：它们不是对象，切勿用 kubectl apply。";
    docs_patch_after: "kubectl patch ... --patch-file (the command on its card)", "kubectl patch ... --patch-file（见对应卡片上的命令）";
    docs_apply_heading: "Apply", "应用";
    docs_apply_copy: "hosts.toml and the CA: in the unzipped download, copy into place on every node, no restart needed",
        "hosts.toml 和 CA：在解压后的下载目录中执行，复制到每个节点的对应位置，无需重启";
    docs_example: "Example for harbor.example.net: add a registry above and these commands use yours",
        "示例（harbor.example.net）：在上方添加仓库后，这些命令会改用你的仓库";
    docs_apply_replace: "config.toml: back up the node's file and replace it with the merged file (it keeps the rest of yours), then",
        "config.toml：备份节点上的文件，再用合并后的文件替换它（其余内容已保留），然后";
    docs_apply_preview: "config.toml: merged/config.toml is only a preview, do not install it: fix the error above first (the merge box).",
        "config.toml：merged/config.toml 仅为预览，切勿安装：请先修复上方（合并框中）的错误。";
    docs_config_where_preview: "Do not replace the node's file yet: merged/config.toml is only a preview until the error above is fixed.",
        "暂时不要替换节点上的文件：在修复上方的错误之前，merged/config.toml 仅为预览。";
    docs_preview_after: "Nothing yet: fix the error above first.", "暂不操作：请先修复上方的错误。";
    docs_apply_merge: "config.toml: merge the block into the existing file (never replace the file), then",
        "config.toml：把这段合并进现有文件（不要替换整个文件），然后";
    docs_apply_cluster: "The cluster side: the Secrets with kubectl apply, the patches with kubectl patch (kubectl apply -f k8s/ rejects the patch files; sh k8s/commands.sh does the same as these lines)",
        "集群侧：Secret 用 kubectl apply，补丁用 kubectl patch（kubectl apply -f k8s/ 会拒绝补丁文件；sh k8s/commands.sh 与这几行效果相同）";
    docs_apply_rancher: "registries.yaml and its CA files: in the unzipped download, copy into place on every node (servers too when they run pods); {d} writes containerd's config from them when it restarts (below)",
        "registries.yaml 及其 CA 文件：在解压后的下载目录中执行，复制到每个节点的对应位置（运行 Pod 的 server 节点也要）；{d} 重启时（见下方）会据此生成 containerd 配置";
    docs_restart_servers: "restart {d} on servers:", "在 server 节点上重启 {d}：";
    docs_restart_agents: "and on agents:", "在 agent 节点上：";
    docs_apply_kind: "On your workstation, in the unzipped download: kind/cluster.yaml mounts kind/certs.d into the node containers (nothing to copy onto this machine)",
        "在你的工作站上、解压后的下载目录中执行：kind/cluster.yaml 会把 kind/certs.d 挂载进节点容器（无需往本机复制任何文件）";
    docs_apply_talos: "On your workstation: talosctl applies the machine config patch to each node (Talos has no shell; no reboot needed)",
        "在你的工作站上：用 talosctl 把机器配置补丁应用到每个节点（Talos 没有 shell；无需重启）";
    docs_apply_kubespray: "On the Ansible controller: merge kubespray/group_vars/all/containerd.yml into inventory/<cluster>/group_vars/all/containerd.yml, then",
        "在 Ansible 控制机上：把 kubespray/group_vars/all/containerd.yml 合并进 inventory/<cluster>/group_vars/all/containerd.yml，然后";
    docs_apply_minikube: "On your workstation: start a new cluster with the flags (minikube delete first for an existing one), then copy the node files in",
        "在你的工作站上：用这些参数创建新集群（已有集群请先 minikube delete），再把节点文件复制进去";
    docs_apply_minikube_print: "config.toml: the block goes into the node's file. Print that file, paste it into \"Merge into your existing config.toml\" above, and the steps that put the merged file in appear here",
        "config.toml：这段要合并进节点上的文件。先打印该文件，粘贴到上方的“合并到现有的 config.toml”，把合并后的文件放进去的步骤就会显示在这里";
    docs_apply_minikube_replace: "config.toml: back up the node's file, put the merged file in its place, then restart containerd in the node (the next minikube start sets sandbox_image back)",
        "config.toml：备份节点上的文件，用合并后的文件替换它，再在节点内重启 containerd（下次 minikube start 会把 sandbox_image 改回去）";
    docs_minikube_config_where: "In the minikube node: merge the block into its file (the Apply steps: print it, paste it into the merge box); the next minikube start sets sandbox_image back.",
        "放到 minikube 节点内：把这段合并进节点上的文件（见“应用”中的步骤：打印该文件，粘贴到合并框）；下次 minikube start 会把 sandbox_image 改回去。";
    docs_minikube_config_where_merged: "In the minikube node: replace its file with merged/config.toml (minikube cp, see Apply); the next minikube start sets sandbox_image back.",
        "放到 minikube 节点内：用 merged/config.toml 替换节点上的文件（minikube cp，见“应用”）；下次 minikube start 会把 sandbox_image 改回去。";
    docs_apply_copy_system: "The CA into the system trust store (containerd 1.2 trusts nothing else): in the unzipped download, copy it on every node, run update-ca-certificates, restart containerd",
        "CA 放入系统信任库（containerd 1.2 只信任它）：在解压后的下载目录中执行，复制到每个节点，运行 update-ca-certificates，再重启 containerd";
    after_system_ca: "Then run sudo update-ca-certificates and restart containerd: systemctl restart containerd (containerd 1.2 reads the system store only at start).",
        "然后运行 sudo update-ca-certificates 并重启 containerd：systemctl restart containerd（containerd 1.2 只在启动时读取系统信任库）。";
    docs_apply_copy_ca: "The CA files: in the unzipped download, copy into place on every node, no restart needed",
        "CA 文件：在解压后的下载目录中执行，复制到每个节点的对应位置，无需重启";
    docs_kubespray_ca_after: "Kubespray's hosts.toml does not name it in every release: also add it to the node's trust store.",
        "并非每个 Kubespray 版本生成的 hosts.toml 都会引用它：请同时把它加入节点的系统信任库。";
    docs_zip_warning: "The zip mirrors the node's layout, but its config.toml is only a block to merge: never unzip it over /.",
        "zip 中的目录结构与节点一致，但其中的 config.toml 只是需要合并的片段：切勿直接解压到 / 覆盖。";
    docs_verify_heading: "Verify", "验证";
    docs_verify_pull: "Pull as the kubelet does (ctr ignores the CRI settings; crictl does not), with an image your registry has:",
        "按 kubelet 的方式拉取（ctr 不读 CRI 配置，crictl 会读），换成你的仓库中有的镜像：";
    docs_verify_pull_talos: "Pull with talosctl into the node's CRI, as the kubelet does (same registry settings), with an image your registry has:",
        "用 talosctl 拉取到节点的 CRI 中，与 kubelet 的拉取方式相同（使用同样的仓库配置），换成你的仓库中有的镜像：";
    docs_pull_creds: "The credentials are only in the pull Secret, which crictl does not use: put the password in place of <password> (without --creds a private repository answers 401 Unauthorized)",
        "凭据只在拉取 Secret 中，crictl 不会使用它：请把 <password> 换成密码（不带 --creds 时，私有仓库会返回 401 Unauthorized）";
    docs_pull_401: "The credentials are only in the pull Secret, which this pull does not use: a private repository answers 401 Unauthorized here, while pods with the Secret pull fine",
        "凭据只在拉取 Secret 中，这里的拉取不会使用它：私有仓库在此会返回 401 Unauthorized，而带该 Secret 的 Pod 可以正常拉取";
    docs_verify_info: "Show the configuration containerd actually loaded (look for configPath and sandboxImage):",
        "查看 containerd 实际加载的配置（关注 configPath 和 sandboxImage）：";
    docs_verify_dump: "Show the configuration containerd loads, drop-ins included: the CRI image service's sandbox image and config_path:",
        "查看 containerd 加载的配置（含 imports 的文件），关注 CRI 镜像服务的沙箱（pause）镜像和 config_path：";
    docs_verify_logs: "A hosts.toml that does not parse is logged once and ignored:",
        "无法解析的 hosts.toml 只会记录一次日志，然后被忽略：";
    docs_errors_heading: "Error messages and their fixes", "报错信息与解决方法";
    docs_col_message: "Message", "报错信息";
    docs_col_cause: "Cause", "原因";
    docs_col_fix: "Fix", "解决方法";
}

/// One row of the error-message-to-fix table (REFERENCE.md).
#[derive(Debug)]
pub struct ErrorRow {
    /// The text an operator sees in `kubectl describe pod` or the logs (not translated).
    pub seen: &'static str,
    /// Why, in English and Chinese.
    pub cause: [&'static str; 2],
    /// What to do, in English and Chinese.
    pub fix: [&'static str; 2],
}

/// The error-message-to-fix table.
pub static ERRORS: &[ErrorRow] = &[
    ErrorRow {
        seen: "x509: certificate signed by unknown authority",
        cause: ["The node does not trust the registry's CA.", "节点不信任仓库的 CA。"],
        fix: [
            "Give the registry its CA (hosts.toml ca; 1.x inline keys: tls.ca_file), or skip verification to test.",
            "为仓库配置 CA（hosts.toml 的 ca；1.x 内联配置为 tls.ca_file），或临时跳过校验以测试。",
        ],
    },
    ErrorRow {
        seen: "unable to read CA cert \"<path>\" / unable to load CA cert \"<path>\" / failed to load CA file",
        cause: [
            "The CA file the config names is missing, unreadable, or not a complete PEM certificate.",
            "配置中指定的 CA 文件不存在、不可读，或不是完整的 PEM 证书。",
        ],
        fix: [
            "Put the CA certificate at that path on every node, or paste it here so the file is generated.",
            "把 CA 证书放到每个节点的该路径下，或粘贴到此处以生成该文件。",
        ],
    },
    ErrorRow {
        seen: "x509: cannot validate certificate for <ip> because it doesn't contain any IP SANs / certificate is valid for X, not Y",
        cause: ["The name or IP you pull from is not in the certificate.", "拉取时使用的域名或 IP 不在证书中。"],
        fix: [
            "Reissue the certificate with that name or IP, pull by a name the certificate has, or skip verification.",
            "重新签发包含该域名或 IP 的证书，改用证书中的名称拉取，或跳过校验。",
        ],
    },
    ErrorRow {
        seen: "http: server gave HTTP response to HTTPS client",
        cause: ["The registry speaks plain HTTP.", "仓库使用明文 HTTP。"],
        fix: ["Set the registry's protocol to HTTP (an http:// server).", "把仓库协议设为 HTTP（http:// 地址）。"],
    },
    ErrorRow {
        seen: "401 Unauthorized / no basic auth credentials / insufficient_scope / pull access denied",
        cause: [
            "Missing or wrong credentials, or credentials keyed to another host.",
            "凭据缺失或错误，或凭据对应的主机不对。",
        ],
        fix: [
            "A Secret keyed exactly as images name the registry (port included) plus imagePullSecrets, or node credentials keyed by the host containerd contacts.",
            "Secret 的地址须与镜像引用完全一致（含端口）并配置 imagePullSecrets；或按 containerd 实际访问的主机配置节点级凭据。",
        ],
    },
    ErrorRow {
        seen: "dial tcp: lookup <host> ... i/o timeout / no such host",
        cause: ["The node cannot resolve the registry's name.", "节点无法解析仓库域名。"],
        fix: [
            "Fix the node's DNS or /etc/hosts; no registry setting can fix this.",
            "修复节点的 DNS 或 /etc/hosts；任何仓库配置都无法解决这个问题。",
        ],
    },
    ErrorRow {
        seen: "failed to get sandbox image \"k8s.gcr.io/pause:3.2\"",
        cause: ["The pause image is unreachable from the node.", "节点无法拉取 pause 镜像。"],
        fix: [
            "Set the sandbox image to a reachable mirror, then restart containerd.",
            "把沙箱镜像设为可访问的镜像站地址，然后重启 containerd。",
        ],
    },
    ErrorRow {
        seen: "`mirrors` cannot be set when `config_path` is provided",
        cause: ["Inline registry keys and hosts.toml are mixed.", "内联 registry 配置与 hosts.toml 混用。"],
        fix: [
            "Use one style only: hosts.toml (remove registry.mirrors and configs.tls) or the inline keys without config_path.",
            "只用一种方式：hosts.toml（删除 registry.mirrors 和 configs.tls），或不带 config_path 的内联配置。",
        ],
    },
    ErrorRow {
        seen: "Ignoring unknown key in TOML for plugin",
        cause: ["containerd 1.x keys in a containerd 2.x (version = 3) config.", "在 containerd 2.x（version = 3）配置中使用了 1.x 的键。"],
        fix: [
            "Use the 2.x section names (pick the exact version here); TLS settings go into hosts.toml.",
            "使用 2.x 的配置段名称（在此选择确切版本）；TLS 设置放进 hosts.toml。",
        ],
    },
    ErrorRow {
        seen: "failed to decode .../hosts.toml",
        cause: ["The hosts.toml is invalid, so its mirrors are ignored.", "hosts.toml 格式无效，其中的镜像站被忽略。"],
        fix: [
            "Use the generated file: valid TOML, no duplicate [host] tables.",
            "使用生成的文件：合法的 TOML，没有重复的 [host] 表。",
        ],
    },
    ErrorRow {
        seen: "expected containerd config version equal to or less than / containerd config version `3` is not supported, the max version is `2`",
        cause: ["The config's version line (config.toml's or a drop-in's) is newer than this containerd.", "配置文件（config.toml 或某个 drop-in）的 version 高于该 containerd 支持的版本。"],
        fix: [
            "Generate for the node's exact containerd version.",
            "按节点上 containerd 的确切版本重新生成。",
        ],
    },
    ErrorRow {
        seen: "unable to read CERT file \"<path>\" / failed to load X509 key pair / remote error: tls: bad certificate",
        cause: [
            "mTLS: the client certificate or key is missing, they do not match, or the registry wants a certificate the node did not send.",
            "mTLS：客户端证书或私钥不存在、二者不匹配，或仓库要求节点提供证书而节点没有发送。",
        ],
        fix: [
            "Put the certificate and its key on every node and name them in the form's client certificate and key.",
            "把证书及其私钥放到每个节点上，并在表单的客户端证书和私钥中填写其路径。",
        ],
    },
    ErrorRow {
        seen: "container.Runtime.Name must be set / no runtime for \"<handler>\" is configured",
        cause: [
            "A runtime table without runtime_type (1.x: any; 2.x: any but runc), or no table for the pod's RuntimeClass handler.",
            "运行时表缺少 runtime_type（1.x：任何运行时；2.x：runc 以外的运行时），或没有 Pod 的 RuntimeClass 处理器对应的表。",
        ],
        fix: [
            "Add runtime_type = \"io.containerd.runc.v2\" (or the handler's table) where containerd reads it; pullfix doctor, or config.toml pasted into the merge box above, names the table.",
            "在 containerd 读取的位置添加 runtime_type = \"io.containerd.runc.v2\"（或处理器对应的表）；pullfix doctor 或上方的合并框（粘贴 config.toml）会指出是哪张表。",
        ],
    },
    ErrorRow {
        seen: "invalid plugin key URI \"cri\" / invalid disabled plugin URI \"cri\"",
        cause: [
            "A version 2+ config names a plugin by its version 1 short name: containerd does not start.",
            "版本 2 及以上的配置使用了版本 1 的插件短名：containerd 无法启动。",
        ],
        fix: [
            "Use full plugin ids (io.containerd.grpc.v1.cri); pullfix apply, or config.toml pasted into the merge box above, renames them.",
            "使用完整的插件 ID（io.containerd.grpc.v1.cri）；pullfix apply 或上方的合并框（粘贴 config.toml）会自动改名。",
        ],
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    /// Strings that are the same in both languages on purpose (names, commands).
    const SAME_IN_BOTH: &[&str] = &["app_title", "docs_config_after", "docs_secret_after", "diagnose_placeholder"];

    fn has_cjk(s: &str) -> bool {
        s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
    }

    fn placeholders(s: &str) -> Vec<&str> {
        let mut out: Vec<&str> = s
            .split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
            .filter(|name| !name.is_empty() && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'))
            .collect();
        out.sort_unstable();
        out
    }

    #[test]
    fn every_key_is_translated() {
        let entries = entries();
        assert!(entries.len() > 100, "the table lost its keys: {}", entries.len());
        for (key, en, zh) in entries {
            assert!(!en.trim().is_empty(), "{key}: English is empty");
            assert!(!zh.trim().is_empty(), "{key}: Chinese is empty");
            if SAME_IN_BOTH.contains(&key) {
                assert_eq!(en, zh, "{key} is listed as identical in both languages");
            } else {
                assert!(has_cjk(zh), "{key}: the Chinese text has no Chinese: {zh:?}");
                assert!(!has_cjk(en), "{key}: the English text has Chinese in it: {en:?}");
            }
            assert_eq!(placeholders(en), placeholders(zh), "{key}: placeholders differ");
        }
    }

    #[test]
    fn error_table_is_complete_in_both_languages() {
        assert_eq!(
            ERRORS.len(),
            14,
            "REFERENCE.md's table has ten rows, plus the CA file's, client certificates, runtimes and short plugin names"
        );
        for row in ERRORS {
            assert!(!row.seen.is_empty());
            for (en, zh) in [(row.cause[0], row.cause[1]), (row.fix[0], row.fix[1])] {
                assert!(!en.is_empty() && !has_cjk(en), "{}: bad English {en:?}", row.seen);
                assert!(has_cjk(zh), "{}: untranslated {zh:?}", row.seen);
            }
        }
    }

    #[test]
    fn language_from_browser_codes() {
        for (code, lang) in [
            ("zh", Lang::Zh),
            ("zh-CN", Lang::Zh),
            ("ZH-hans-SG", Lang::Zh),
            ("en-US", Lang::En),
            ("de", Lang::En),
            ("", Lang::En),
        ] {
            assert_eq!(Lang::from_code(code), lang, "{code:?}");
        }
        assert_eq!(Lang::from_code(Lang::Zh.code()), Lang::Zh);
        assert_eq!(Lang::from_code(Lang::En.code()), Lang::En);
    }

    #[test]
    fn chinese_hints_say_that_core_texts_are_english() {
        // The core writes diagnostics, findings and file notes in English only.
        assert!(ZH.outputs_hint.contains("只有英文"), "{}", ZH.outputs_hint);
        assert!(ZH.diagnose_hint.contains("只有英文"), "{}", ZH.diagnose_hint);
        // Review 12 Z2: also beside the form's fields and the merge box's changes.
        assert!(ZH.diags_english.contains("只有英文") && ZH.merge_reasons_english.contains("只有英文"));
    }

    /// The review's L5: the Chinese preview note is two clauses, not a run-on ("上方有错误
    /// 提示修复前不生成文件"); and it fits every error that withholds files, the pasted
    /// config.toml's included (which do not say "no files").
    #[test]
    fn chinese_preview_note_reads_as_two_clauses() {
        assert_eq!(ZH.preview_only, "仅为预览，切勿应用：请先修复上方的错误（修复前无法复制或下载 zip）。");
        assert!(!ZH.preview_only.contains("上方有错误提示修复前"), "{}", ZH.preview_only);
        assert!(!EN.preview_only.contains("no files"), "{}", EN.preview_only);
    }

    /// The review's L6: Talos's Verify words name its talosctl pull, not ctr and crictl
    /// (which the others' pulls use), in both languages.
    #[test]
    fn verify_pull_words_follow_the_flavour() {
        use pullfix_core::flavor::{Flavor, ALL};
        for t in [&EN, &ZH] {
            for flavor in ALL {
                let words = t.verify_pull(flavor);
                if flavor == Flavor::Talos {
                    assert!(words.contains("talosctl") && !words.contains("ctr"), "{words}");
                } else {
                    assert!(words.contains("crictl"), "{flavor:?}: {words}");
                }
            }
        }
    }

    /// The review's L6: the k3s/RKE2 Apply comment stands above the copy commands, not the
    /// restart: it ends on the restart below, not on a dangling "then".
    #[test]
    fn rancher_apply_comment_has_no_dangling_then() {
        for (t, then, restart) in [(&EN, "then", "when it restarts (below)"), (&ZH, "然后", "k3s 重启时（见下方）")]
        {
            let text = fill(t.docs_apply_rancher, "d", "k3s");
            assert!(!text.trim_end().ends_with(then), "{text}");
            assert!(text.contains(restart), "{text}");
        }
    }

    #[test]
    fn fill_replaces_named_placeholders() {
        assert_eq!(fill(EN.registry_n, "n", "2"), "Registry 2");
        assert_eq!(fill(ZH.problems_heading, "n", "3"), "问题（3）");
    }
}
