//! The docs: where each file goes, how to apply and verify, and what each error means.

use yew::prelude::*;

use crate::i18n::{Lang, ERRORS};

/// The how-to section under the form.
// Kept out of the first render's code (compiled on first call): ARCHITECTURE.md, "Start-up".
#[inline(never)]
pub fn docs(lang: Lang) -> Html {
    let t = lang.text();
    let row = |file: &'static str, place: &'static str, after: &'static str| {
        html! { <tr><td><code>{ file }</code></td><td>{ place }</td><td>{ after }</td></tr> }
    };
    let apply = format!(
        "# {}\nsudo mkdir -p /etc/containerd/certs.d/harbor.example.net\n\
             sudo cp hosts.toml ca.crt /etc/containerd/certs.d/harbor.example.net/\n\n\
             # {}\nsudo systemctl restart containerd\nsudo systemctl status containerd --no-pager\n\n\
             # {}\nkubectl apply -f k8s/\n",
        t.docs_apply_copy, t.docs_apply_merge, t.docs_apply_cluster
    );
    html! {
        <section id="docs" class="docs" aria-labelledby="docs-heading">
            <h2 id="docs-heading">{ t.docs_heading }</h2>
            <h3>{ t.docs_where_heading }</h3>
            <div class="table-scroll">
                <table>
                    <thead><tr><th scope="col">{ t.docs_col_file }</th><th scope="col">{ t.docs_col_where }</th>
                        <th scope="col">{ t.docs_col_after }</th></tr></thead>
                    <tbody>
                        { row("/etc/containerd/config.toml", t.docs_config_where, t.docs_config_after) }
                        { row("/etc/containerd/certs.d/<host>/hosts.toml", t.docs_hosts_where, t.docs_hosts_after) }
                        { row("/etc/containerd/certs.d/<host>/ca.crt", t.docs_ca_where, t.docs_hosts_after) }
                        { row("k8s/*.yaml", t.docs_secret_where, t.docs_secret_after) }
                    </tbody>
                </table>
            </div>
            <div class="docs-columns">
                <div>
                    <h3>{ t.docs_apply_heading }</h3>
                    <pre class="commands">{ apply }</pre>
                    <p class="warning">{ t.docs_zip_warning }</p>
                </div>
                <div>
                    <h3>{ t.docs_verify_heading }</h3>
                    <p>{ t.docs_verify_pull }</p>
                    <pre class="commands">{ "sudo crictl pull harbor.example.net/library/nginx:latest\n" }</pre>
                    <p>{ t.docs_verify_info }</p>
                    <pre class="commands">{ "sudo crictl info | grep -E 'configPath|sandboxImage'\n" }</pre>
                    <p>{ t.docs_verify_logs }</p>
                    <pre class="commands">{ "sudo journalctl -u containerd --since -10min | grep -i hosts.toml\n" }</pre>
                </div>
            </div>
            <h3>{ t.docs_errors_heading }</h3>
            <div class="table-scroll">
                <table class="errors">
                    <thead><tr><th scope="col">{ t.docs_col_message }</th><th scope="col">{ t.docs_col_cause }</th>
                        <th scope="col">{ t.docs_col_fix }</th></tr></thead>
                    <tbody>
                        { for ERRORS.iter().map(|e| html! {
                            <tr>
                                <td><code>{ e.seen }</code></td>
                                <td>{ lang.pick(e.cause) }</td>
                                <td>{ lang.pick(e.fix) }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            </div>
        </section>
    }
}
