/** A site as `GET /api/v1/sites` and `GET /api/v1/sites/:site` return it. */
export interface Site {
  id: string;
  domain: string;
  timezone: string;
  retention_days: number;
  allowed_hostnames: string[];
  public: boolean;
  created_at: string;
  role?: 'owner' | 'admin' | 'viewer';
}
