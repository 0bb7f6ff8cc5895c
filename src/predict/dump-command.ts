/**
 * The one dump that holds every kind a drain prediction reads (nodes, namespaces,
 * pods, PodDisruptionBudgets, workloads, volumes and claims, Services, webhook
 * configurations and APIServices). README, --help, rule docs and messages all name it.
 */
export const DUMP_COMMAND =
  'kubectl get nodes,namespaces,pods,pdb,deploy,rs,sts,ds,jobs,cronjobs,rc,pv,pvc,svc,validatingwebhookconfigurations,mutatingwebhookconfigurations,apiservices -A -o yaml > cluster.yaml';
